//! The fitted cleaning tools: impute, outliers, scale and encode. Each is fitted on one dataset
//! (a training split by default) and applied to every chosen input.

use leptos::prelude::*;

use super::shared::{number, ColumnChecks, FitTargets, LastResult};
use crate::core::recipe::Step;
use crate::core::transform::{
    DropMissingStep, EncodeMethod, EncodeStep, How, ImputeStep, ImputeStrategy, OutlierAction, OutlierRule,
    OutliersStep, ScaleMethod, ScaleStep, Targets,
};
use crate::ui::glossary::Term;
use crate::ui::state::AppState;

fn targets(inputs: RwSignal<Vec<String>>, fit_on: RwSignal<String>) -> Targets {
    let inputs = inputs.get_untracked();
    let f = fit_on.get_untracked();
    Targets { fit_on: (!f.is_empty()).then_some(f), inputs, outputs: Vec::new() }
}

fn first(inputs: RwSignal<Vec<String>>) -> Signal<String> {
    Signal::derive(move || inputs.get().first().cloned().unwrap_or_default())
}

/// The leakage lesson, once, above the fitted tools.
#[component]
pub fn LeakageLesson() -> impl IntoView {
    view! {
        <aside class="lesson" data-testid="leakage-lesson">
            <h3>"Fit on train, apply to the rest"</h3>
            <p>
                <Term id="data-leakage">"Data leakage"</Term>
                " is information the model could not have at prediction time reaching its training. "
                "The classic cases: a fraud model given a \"flagged by manual review\" column; a random split of "
                "time series that lets the future inform the past; a churn model fed support calls logged after "
                "the customer had decided to leave; and, the one these tools guard against, "
                <Term id="imputation">"imputation"</Term> " values or "
                "scaling parameters computed on all rows instead of the training split only. A mean that has seen "
                "the test rows quietly tells the model about them."
            </p>
            <p>
                "So split first, fit each transform on the training split, and apply the fitted parameters unchanged "
                "to validation and test. Each result below compares the parameters fitted on train with those "
                "fitted on all rows, on your data."
            </p>
        </aside>
    }
}

/// Fill missing values, or drop them.
#[component]
pub fn ImputeTool() -> impl IntoView {
    let state = expect_context::<AppState>();
    let inputs = RwSignal::new(Vec::<String>::new());
    let fit_on = RwSignal::new(String::new());
    let columns = RwSignal::new(Vec::<String>::new());
    let strategy = RwSignal::new("mean".to_string());
    let constant = RwSignal::new(String::new());
    let indicator = RwSignal::new(false);
    let how = RwSignal::new("any".to_string());
    let max_null = RwSignal::new(String::new());
    let apply = move |_| {
        let strategy = match strategy.get_untracked().as_str() {
            "median" => ImputeStrategy::Median,
            "most_frequent" => ImputeStrategy::MostFrequent,
            "constant" => ImputeStrategy::Constant { value: constant.get_untracked() },
            "ffill" => ImputeStrategy::ForwardFill,
            "bfill" => ImputeStrategy::BackwardFill,
            _ => ImputeStrategy::Mean,
        };
        state.apply(Step::Impute(ImputeStep {
            targets: targets(inputs, fit_on),
            columns: columns.get_untracked(),
            strategy,
            indicator: indicator.get_untracked(),
            fitted: None,
        }));
    };
    let drop = move |_| {
        let Some(input) = inputs.get_untracked().first().cloned() else { return };
        state.apply(Step::DropMissing(DropMissingStep {
            output: format!("{input}.complete"),
            input,
            columns: columns.get_untracked(),
            how: if how.get_untracked() == "all" { How::All } else { How::Any },
            max_null_fraction: number(&max_null.get_untracked()).map(|p| p / 100.0),
        }));
    };
    view! {
        <section class="tool" data-testid="clean-impute">
            <h3>"Missing values"</h3>
            <p class="explain">
                <Term id="imputation">"Fill gaps"</Term>
                " with the column's mean, median or most frequent value (fitted on the training split), a "
                "constant, or the previous/next value for ordered data; or drop incomplete rows. Filling with the "
                "mean piles values at one point and shrinks the spread; the histograms show it. Why values are "
                "missing (" <Term id="mcar">"MCAR"</Term> ", " <Term id="mar">"MAR"</Term> " or "
                <Term id="mnar">"MNAR"</Term> ") decides which is safe."
            </p>
            <FitTargets inputs fit_on testid="impute"/>
            <ColumnChecks dataset=first(inputs) selected=columns numeric=false testid="impute-col"/>
            <label>
                "Fill with "
                <select data-testid="impute-strategy" on:change=move |ev| strategy.set(event_target_value(&ev))>
                    <option value="mean">"mean"</option>
                    <option value="median">"median"</option>
                    <option value="most_frequent">"most frequent"</option>
                    <option value="constant">"a constant"</option>
                    <option value="ffill">"previous value (forward fill)"</option>
                    <option value="bfill">"next value (backward fill)"</option>
                </select>
            </label>
            <label>
                " Constant "
                <input type="text" data-testid="impute-constant" prop:value=constant on:change=move |ev| constant.set(event_target_value(&ev))/>
            </label>
            <label>
                <input type="checkbox" data-testid="impute-indicator" on:change=move |ev| indicator.set(event_target_checked(&ev))/>
                " add a <column>_missing indicator"
            </label>
            <button data-testid="impute-apply" disabled=move || state.applying.get().is_some() on:click=apply>"Impute"</button>
            <div class="drop-missing">
                <label>
                    "Or drop rows where "
                    <select data-testid="drop-how" on:change=move |ev| how.set(event_target_value(&ev))>
                        <option value="any">"any"</option>
                        <option value="all">"all"</option>
                    </select>
                    " chosen columns are missing (all columns if none chosen), after dropping columns more than "
                </label>
                <input type="text" size="4" data-testid="drop-max-null" placeholder="100" prop:value=max_null on:change=move |ev| max_null.set(event_target_value(&ev))/>
                "% empty "
                <button data-testid="drop-apply" disabled=move || state.applying.get().is_some() on:click=drop>"Drop"</button>
            </div>
            <LastResult pick=|s| matches!(s, Step::Impute(_)) testid="impute"/>
            <LastResult pick=|s| matches!(s, Step::DropMissing(_)) testid="drop"/>
        </section>
    }
}

/// Flag, cap or remove outliers.
#[component]
pub fn OutliersTool() -> impl IntoView {
    let state = expect_context::<AppState>();
    let inputs = RwSignal::new(Vec::<String>::new());
    let fit_on = RwSignal::new(String::new());
    let columns = RwSignal::new(Vec::<String>::new());
    let rule = RwSignal::new("iqr".to_string());
    let a = RwSignal::new("1.5".to_string());
    let b = RwSignal::new("99".to_string());
    let action = RwSignal::new("cap".to_string());
    let apply = move |_| {
        let x = number(&a.get_untracked()).unwrap_or(1.5);
        let rule = match rule.get_untracked().as_str() {
            "percentiles" => OutlierRule::Percentiles { lower: x, upper: number(&b.get_untracked()).unwrap_or(99.0) },
            "zscore" => OutlierRule::ZScore { z: x },
            _ => OutlierRule::Iqr { k: x },
        };
        let action = match action.get_untracked().as_str() {
            "flag" => OutlierAction::Flag,
            "remove" => OutlierAction::Remove,
            _ => OutlierAction::Cap,
        };
        state.apply(Step::Outliers(OutliersStep {
            targets: targets(inputs, fit_on),
            columns: columns.get_untracked(),
            rule,
            action,
            fitted: None,
        }));
    };
    view! {
        <section class="tool" data-testid="clean-outliers">
            <h3>"Outliers"</h3>
            <p class="explain">
                "Bounds come from the training split: " <Term id="iqr-fences">"Tukey's fences"</Term>
                " (Q1 − k·IQR, Q3 + k·IQR), two percentiles, or mean ± z standard deviations ("
                <Term id="z-score">"z-score"</Term> "). Values beyond them can be flagged in a new column, capped at "
                "the bound (" <Term id="winsorize">"winsorized"</Term> "), or removed with their rows, which are kept "
                "in a .removed dataset to inspect. An " <Term id="outlier">"outlier"</Term> " may be an error or a "
                "real rare event: ask someone who knows the data before removing it."
            </p>
            <FitTargets inputs fit_on testid="outliers"/>
            <ColumnChecks dataset=first(inputs) selected=columns numeric=true testid="outliers-col"/>
            <label>
                "Rule "
                <select data-testid="outliers-rule" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    a.set(match v.as_str() { "percentiles" => "1", "zscore" => "3", _ => "1.5" }.to_string());
                    rule.set(v);
                }>
                    <option value="iqr">"IQR fences (k)"</option>
                    <option value="percentiles">"percentiles (lower, upper)"</option>
                    <option value="zscore">"z-score (z)"</option>
                </select>
            </label>
            <input type="text" size="5" data-testid="outliers-a" aria-label="First bound parameter (k, lower percentile or z)" prop:value=a on:change=move |ev| a.set(event_target_value(&ev))/>
            <input type="text" size="5" data-testid="outliers-b" aria-label="Upper percentile" prop:value=b on:change=move |ev| b.set(event_target_value(&ev))/>
            <label>
                " Action "
                <select data-testid="outliers-action" on:change=move |ev| action.set(event_target_value(&ev))>
                    <option value="cap">"cap (winsorize)"</option>
                    <option value="flag">"flag"</option>
                    <option value="remove">"remove rows"</option>
                </select>
            </label>
            <button data-testid="outliers-apply" disabled=move || state.applying.get().is_some() on:click=apply>"Apply"</button>
            <LastResult pick=|s| matches!(s, Step::Outliers(_)) testid="outliers"/>
        </section>
    }
}

/// Scale numeric columns.
#[component]
pub fn ScaleTool() -> impl IntoView {
    let state = expect_context::<AppState>();
    let inputs = RwSignal::new(Vec::<String>::new());
    let fit_on = RwSignal::new(String::new());
    let columns = RwSignal::new(Vec::<String>::new());
    let method = RwSignal::new("zscore".to_string());
    let lo = RwSignal::new("0".to_string());
    let hi = RwSignal::new("1".to_string());
    let apply = move |_| {
        let method = match method.get_untracked().as_str() {
            "minmax" => ScaleMethod::MinMax {
                min: number(&lo.get_untracked()).unwrap_or(0.0),
                max: number(&hi.get_untracked()).unwrap_or(1.0),
            },
            "robust" => ScaleMethod::Robust,
            "maxabs" => ScaleMethod::MaxAbs,
            "log1p" => ScaleMethod::Log1p,
            _ => ScaleMethod::ZScore,
        };
        state.apply(Step::Scale(ScaleStep {
            targets: targets(inputs, fit_on),
            columns: columns.get_untracked(),
            method,
            fitted: None,
        }));
    };
    view! {
        <section class="tool" data-testid="clean-scale">
            <h3>"Scaling"</h3>
            <p class="explain">
                "Puts numeric columns on comparable scales, which distance-based and gradient-based models need: "
                <Term id="standardization">"z-score"</Term> " (mean 0, standard deviation 1), "
                <Term id="min-max-scaling">"min-max"</Term> " to a range, robust (median and IQR, little moved "
                "by outliers), max-abs (keeps zeros and signs), or log1p for long right tails. The shape of the "
                "histogram stays the same except for log1p; only the axis changes."
            </p>
            <FitTargets inputs fit_on testid="scale"/>
            <ColumnChecks dataset=first(inputs) selected=columns numeric=true testid="scale-col"/>
            <label>
                "Method "
                <select data-testid="scale-method" on:change=move |ev| method.set(event_target_value(&ev))>
                    <option value="zscore">"z-score"</option>
                    <option value="minmax">"min-max"</option>
                    <option value="robust">"robust (median/IQR)"</option>
                    <option value="maxabs">"max-abs"</option>
                    <option value="log1p">"log1p"</option>
                </select>
            </label>
            " range "
            <input type="text" size="4" data-testid="scale-min" aria-label="Lowest value of the range" prop:value=lo on:change=move |ev| lo.set(event_target_value(&ev))/>
            <input type="text" size="4" data-testid="scale-max" aria-label="Highest value of the range" prop:value=hi on:change=move |ev| hi.set(event_target_value(&ev))/>
            <button data-testid="scale-apply" disabled=move || state.applying.get().is_some() on:click=apply>"Scale"</button>
            <LastResult pick=|s| matches!(s, Step::Scale(_)) testid="scale"/>
        </section>
    }
}

/// Encode categories as numbers.
#[component]
pub fn EncodeTool() -> impl IntoView {
    let state = expect_context::<AppState>();
    let inputs = RwSignal::new(Vec::<String>::new());
    let fit_on = RwSignal::new(String::new());
    let columns = RwSignal::new(Vec::<String>::new());
    let method = RwSignal::new("onehot".to_string());
    let max = RwSignal::new(String::new());
    let order = RwSignal::new(String::new());
    let apply = move |_| {
        let cols = columns.get_untracked();
        let method = match method.get_untracked().as_str() {
            "ordinal" => {
                let list: Vec<String> =
                    order.get_untracked().split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
                EncodeMethod::Ordinal { order: cols.iter().map(|c| (c.clone(), list.clone())).collect() }
            }
            "frequency" => EncodeMethod::Frequency,
            _ => EncodeMethod::OneHot { max_categories: max.get_untracked().trim().parse().ok() },
        };
        state.apply(Step::Encode(EncodeStep { targets: targets(inputs, fit_on), columns: cols, method, fitted: None }));
    };
    view! {
        <section class="tool" data-testid="clean-encode">
            <h3>"Encoding categories"</h3>
            <p class="explain">
                "Models need numbers. " <Term id="one-hot-encoding">"One-hot"</Term> " gives each category its own 0/1 column (in sorted order, so the "
                "columns are the same on every run; with a limit, rare categories share an \"other\" column). "
                "Ordinal numbers categories in an order you give (small < medium < large). Frequency replaces a "
                "value by its share of the training rows. Categories come from the training split; values seen "
                "only in test are counted, not learned."
            </p>
            <FitTargets inputs fit_on testid="encode"/>
            <ColumnChecks dataset=first(inputs) selected=columns numeric=false testid="encode-col"/>
            <label>
                "Method "
                <select data-testid="encode-method" on:change=move |ev| method.set(event_target_value(&ev))>
                    <option value="onehot">"one-hot"</option>
                    <option value="ordinal">"ordinal"</option>
                    <option value="frequency">"frequency"</option>
                </select>
            </label>
            <label>
                " at most "
                <input type="text" size="3" data-testid="encode-max" prop:value=max on:change=move |ev| max.set(event_target_value(&ev))/>
                " categories "
            </label>
            <label>
                " order (comma-separated) "
                <input type="text" data-testid="encode-order" prop:value=order on:change=move |ev| order.set(event_target_value(&ev))/>
            </label>
            <button data-testid="encode-apply" disabled=move || state.applying.get().is_some() on:click=apply>"Encode"</button>
            <LastResult pick=|s| matches!(s, Step::Encode(_)) testid="encode"/>
        </section>
    }
}
