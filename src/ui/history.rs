//! The version history of exports, kept in the browser's IndexedDB: metadata only (each record
//! as its JSON text under an auto-incremented key), and the data itself only when the user asks
//! to keep a snapshot (the exported file as a Blob, under its SHA-256, in a store of its own).

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransactionMode};

use crate::core::lineage::VersionRecord;

const DB: &str = "strata";
const STORE: &str = "versions";
const SNAPSHOTS: &str = "snapshots";

/// A promise that settles with a request's result.
fn settle(req: &IdbRequest) -> Promise {
    let req = req.clone();
    Promise::new(&mut |resolve, reject| {
        let done = req.clone();
        let ok = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = resolve.call1(&JsValue::NULL, &done.result().unwrap_or(JsValue::NULL));
        });
        let failed = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str("the browser's IndexedDB refused the request"));
        });
        req.set_onsuccess(Some(ok.unchecked_ref()));
        req.set_onerror(Some(failed.unchecked_ref()));
    })
}

async fn open() -> Result<IdbDatabase, JsValue> {
    let factory =
        web_sys::window().ok_or("no window")?.indexed_db()?.ok_or("this browser has no IndexedDB (private mode?)")?;
    // Version 2 added the snapshot store; opening creates whatever store is missing.
    let req: IdbOpenDbRequest = factory.open_with_u32(DB, 2)?;
    let upgrade = Closure::once_into_js({
        let req = req.clone();
        move |_: web_sys::Event| {
            if let Ok(db) = req.result().and_then(|r| r.dyn_into::<IdbDatabase>()) {
                if !db.object_store_names().contains(STORE) {
                    let params = web_sys::IdbObjectStoreParameters::new();
                    params.set_auto_increment(true);
                    let _ = db.create_object_store_with_optional_parameters(STORE, &params);
                }
                if !db.object_store_names().contains(SNAPSHOTS) {
                    let _ = db.create_object_store(SNAPSHOTS);
                }
            }
        }
    });
    req.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    let db = JsFuture::from(settle(&req)).await?;
    db.dyn_into::<IdbDatabase>()
}

fn message(e: JsValue) -> String {
    e.as_string().unwrap_or_else(|| format!("{e:?}"))
}

/// One object store of the database, in a transaction of its own.
async fn store(name: &str, mode: IdbTransactionMode) -> Result<web_sys::IdbObjectStore, String> {
    let db = open().await.map_err(message)?;
    let tx = db.transaction_with_str_and_mode(name, mode).map_err(message)?;
    tx.object_store(name).map_err(message)
}

/// Every recorded version, oldest first.
pub async fn load_all() -> Result<Vec<VersionRecord>, String> {
    let store = store(STORE, IdbTransactionMode::Readonly).await?;
    let all = JsFuture::from(settle(&store.get_all().map_err(message)?)).await.map_err(message)?;
    let array: js_sys::Array = all.dyn_into().map_err(message)?;
    Ok(array.iter().filter_map(|v| v.as_string()).filter_map(|s| serde_json::from_str(&s).ok()).collect())
}

pub async fn put(record: &VersionRecord) -> Result<(), String> {
    let store = store(STORE, IdbTransactionMode::Readwrite).await?;
    let json = serde_json::to_string(record).expect("records serialize");
    JsFuture::from(settle(&store.add(&JsValue::from_str(&json)).map_err(message)?)).await.map_err(message)?;
    Ok(())
}

/// Forgets every version and every snapshot.
pub async fn clear() -> Result<(), String> {
    for name in [STORE, SNAPSHOTS] {
        let store = store(name, IdbTransactionMode::Readwrite).await?;
        JsFuture::from(settle(&store.clear().map_err(message)?)).await.map_err(message)?;
    }
    Ok(())
}

/// Keeps an exported file's bytes under its SHA-256 (the browser stores the Blob on disk).
pub async fn put_snapshot(sha256: &str, file: &web_sys::Blob) -> Result<(), String> {
    let store = store(SNAPSHOTS, IdbTransactionMode::Readwrite).await?;
    let req = store.put_with_key(file, &JsValue::from_str(sha256)).map_err(message)?;
    JsFuture::from(settle(&req)).await.map_err(message)?;
    Ok(())
}

/// The SHA-256 of every kept snapshot.
pub async fn snapshot_keys() -> Result<Vec<String>, String> {
    let store = store(SNAPSHOTS, IdbTransactionMode::Readonly).await?;
    let all = JsFuture::from(settle(&store.get_all_keys().map_err(message)?)).await.map_err(message)?;
    let array: js_sys::Array = all.dyn_into().map_err(message)?;
    Ok(array.iter().filter_map(|v| v.as_string()).collect())
}

/// The snapshot kept under `sha256`, if any.
pub async fn get_snapshot(sha256: &str) -> Result<Option<web_sys::Blob>, String> {
    let store = store(SNAPSHOTS, IdbTransactionMode::Readonly).await?;
    let found =
        JsFuture::from(settle(&store.get(&JsValue::from_str(sha256)).map_err(message)?)).await.map_err(message)?;
    Ok(found.dyn_into::<web_sys::Blob>().ok())
}
