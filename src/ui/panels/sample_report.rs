//! What a sample or a split found: representativeness with verdicts, strata and weighted means
//! for samples; sizes, label balance and leakage checks for splits; and the step as recorded.

use leptos::prelude::*;

use crate::core::recipe::Step;
use crate::core::sample::split::SplitReport;
use crate::core::sample::step::SampleReport;
use crate::core::sample::Verdict;
use crate::view_model::{stat, thousands};

#[component]
pub fn SampleReportView(report: SampleReport) -> impl IntoView {
    let biased: Vec<String> = report.biased().into_iter().map(String::from).collect();
    let verdict = if biased.is_empty() {
        "No column differs from the table beyond what chance gives: the sample is representative.".to_string()
    } else if report.probability {
        format!(
            "The sample differs from the table on {} — expected when the method changes chances on purpose \
             (weights, re-balancing); otherwise unlucky, try another seed.",
            biased.join(", ")
        )
    } else {
        format!(
            "Biased on {}: a non-probability sample reflects how rows were picked, not the table.",
            biased.join(", ")
        )
    };
    let kind = if report.probability { "probability sample" } else { "non-probability sample" };
    view! {
        <section class="sample-report" data-testid="sample-report" data-probability=report.probability.to_string()>
            <p>
                <span class="badge" class:nonprob=!report.probability data-testid="sample-report-kind">{kind}</span>
                " " {report.method.clone()} " · " {thousands(report.sample_rows)} " of " {thousands(report.population_rows)}
                " rows · seed " <code data-testid="sample-report-seed">{report.seed.to_string()}</code>
            </p>
            {(!report.strata.is_empty())
                .then(|| {
                    view! {
                        <table class="sample-strata" data-testid="sample-strata">
                            <caption>"Rows per group (or class)"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Group"</th>
                                    <th scope="col">"In the table"</th>
                                    <th scope="col">"In the sample"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {report
                                    .strata
                                    .iter()
                                    .map(|s| {
                                        view! {
                                            <tr data-stratum=s.stratum.clone() data-population=s.population data-sample=s.sample>
                                                <td>{s.stratum.clone()}</td>
                                                <td>{thousands(s.population)}</td>
                                                <td>{thousands(s.sample)}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    }
                })}
            {(!report.weighted_means.is_empty())
                .then(|| {
                    view! {
                        <table class="weighted-means" data-testid="sample-weighted-means">
                            <caption>"Means: the table, the sample as drawn, and weighted by _importance_weight"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Column"</th>
                                    <th scope="col">"Table"</th>
                                    <th scope="col">"Sample, unweighted"</th>
                                    <th scope="col">"Sample, weighted"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {report
                                    .weighted_means
                                    .iter()
                                    .map(|m| {
                                        view! {
                                            <tr
                                                data-column=m.column.clone()
                                                data-population=m.population
                                                data-unweighted=m.unweighted
                                                data-weighted=m.weighted
                                            >
                                                <td>{m.column.clone()}</td>
                                                <td>{stat(m.population)}</td>
                                                <td>{stat(m.unweighted)}</td>
                                                <td>{stat(m.weighted)}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    }
                })}
            <table class="representativeness" data-testid="representativeness">
                <caption>
                    "Representativeness: each column of the sample against the table (KS for numbers and dates, "
                    "L∞ — the largest gap in a category's share — for categories; PSI for both, where 0.1 is "
                    "some shift and 0.25 a major one; χ² for categories, with its degrees of freedom). Biased: "
                    "a large difference that chance gives less than 1% of the time."
                </caption>
                <thead>
                    <tr>
                        <th scope="col">"Column"</th>
                        <th scope="col">"Table"</th>
                        <th scope="col">"Sample"</th>
                        <th scope="col">"Distance"</th>
                        <th scope="col">"PSI"</th>
                        <th scope="col">"χ² (dof)"</th>
                        <th scope="col">"p-value"</th>
                        <th scope="col">"Verdict"</th>
                    </tr>
                </thead>
                <tbody>
                    {report
                        .representativeness
                        .iter()
                        .map(|c| {
                            let class = match c.verdict {
                                Verdict::Representative => "verdict ok",
                                Verdict::Suspect => "verdict warn",
                                Verdict::Biased => "verdict bad",
                                Verdict::NotCompared => "verdict none",
                            };
                            let psi = c.drift.as_ref().and_then(|d| d.psi);
                            let chi2 = c.drift.as_ref().and_then(|d| d.chi2);
                            let chi2_text = chi2.as_ref().map(|x| format!("{} ({})", stat(x.statistic), x.dof));
                            view! {
                                <tr
                                    data-column=c.column.clone()
                                    data-verdict=c.verdict.label()
                                    data-psi=psi.map(|v| v.to_string())
                                    data-chi2=chi2.as_ref().map(|x| x.statistic.to_string())
                                >
                                    <th scope="row">{c.column.clone()}</th>
                                    <td>{c.population.clone()}</td>
                                    <td>{c.sample.clone()}</td>
                                    <td title=c.note.clone()>{format!("{} {}", c.statistic, stat(c.value))}</td>
                                    <td data-testid="rep-psi">{psi.map(stat).unwrap_or_else(|| "—".into())}</td>
                                    <td data-testid="rep-chi2">{chi2_text.unwrap_or_else(|| "—".into())}</td>
                                    <td>{c.p_value.map(stat).unwrap_or_default()}</td>
                                    <td class=class>{c.verdict.label()}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            <p class="verdict-summary" data-testid="representativeness-verdict" data-biased=biased.join(",")>
                {verdict}
            </p>
        </section>
    }
}

#[component]
pub fn SplitReportView(report: SplitReport) -> impl IntoView {
    let ok = report.leak_free();
    let classes: Vec<String> = {
        let mut c: Vec<String> = report.balance.iter().map(|b| b.class.clone()).collect();
        c.sort();
        c.dedup();
        c
    };
    let rows_check = report.overlapping_rows == 0;
    let dup_check = report.duplicate_rows == 0;
    view! {
        <section class="split-report" data-testid="split-report" data-leak-free=ok.to_string()>
            <table class="split-sizes" data-testid="split-sizes">
                <caption>"Sizes"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Split"</th>
                        <th scope="col">"Rows"</th>
                        <th scope="col">"Share"</th>
                        {classes.iter().map(|c| view! { <th scope="col">{format!("{} = {c}", report.label.clone().unwrap_or_default())}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {report
                        .sizes
                        .iter()
                        .map(|s| {
                            let cells = classes
                                .iter()
                                .map(|c| {
                                    let b = report.balance.iter().find(|b| b.split == s.name && &b.class == c);
                                    let (rows, share) = b.map_or((0, 0.0), |b| (b.rows, b.share));
                                    view! {
                                        <td data-class=c.clone() data-rows=rows>
                                            {format!("{} ({:.1}%)", thousands(rows), share * 100.0)}
                                        </td>
                                    }
                                })
                                .collect_view();
                            view! {
                                <tr data-split=s.name.clone() data-rows=s.rows>
                                    <th scope="row"><code>{s.name.clone()}</code></th>
                                    <td>{thousands(s.rows)}</td>
                                    <td>{format!("{:.1}%", s.share * 100.0)}</td>
                                    {cells}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            <ul class="split-checks" data-testid="split-checks">
                <li data-check="rows" data-ok=rows_check.to_string() data-value=report.overlapping_rows>
                    {check_mark(rows_check)} " Rows in more than one split: " {report.overlapping_rows}
                </li>
                <li data-check="duplicates" data-ok=dup_check.to_string() data-value=report.duplicate_rows>
                    {check_mark(dup_check)} " Rows whose whole record also appears in another split: "
                    {thousands(report.duplicate_rows)} " (" {thousands(report.duplicate_records)} " distinct records)"
                    {(!dup_check).then_some(
                        " — exact duplicates in train and test let a model be tested on rows it has seen; remove duplicates before splitting.",
                    )}
                </li>
                {report
                    .groups
                    .clone()
                    .map(|(column, groups, shared)| {
                        view! {
                            <li data-check="groups" data-ok=(shared == 0).to_string() data-value=shared>
                                {check_mark(shared == 0)} " Groups of " <code>{column}</code> " in more than one split: "
                                {shared} " (of " {thousands(groups)} ")"
                            </li>
                        }
                    })}
                {report
                    .time
                    .clone()
                    .map(|t| {
                        let ranges = t
                            .ranges
                            .iter()
                            .map(|(s, lo, hi)| format!("{s}: {lo} to {hi}"))
                            .collect::<Vec<_>>()
                            .join("; ");
                        view! {
                            <li data-check="time" data-ok=t.ordered.to_string()>
                                {check_mark(t.ordered)} " Time order by " <code>{t.column.clone()}</code>
                                {if t.ordered {
                                    ": no training row is later than any test row ("
                                } else {
                                    ": some training rows are later than test rows ("
                                }} {ranges} ")"
                            </li>
                        }
                    })}
            </ul>
        </section>
    }
}

fn check_mark(ok: bool) -> &'static str {
    if ok {
        "✔"
    } else {
        "✘"
    }
}

/// The step as the recipe records it (method, parameters, seed), as JSON.
#[component]
pub fn RecordedStep(step: Step, #[prop(into)] testid: String) -> impl IntoView {
    let json = serde_json::to_string_pretty(&step).unwrap_or_default();
    view! {
        <details class="recorded-step" data-testid=testid.clone()>
            <summary>"As recorded in the recipe"</summary>
            <pre data-testid=format!("{testid}-json")>{json}</pre>
        </details>
    }
}
