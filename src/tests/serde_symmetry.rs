//! Every public type that implements `Deserialize` reads back exactly what its `Serialize`
//! writes (snake_case names; HAC's own names are accepted as aliases when the client reads
//! an answer). Each case starts from HAC's wire format with every field set, so a field that
//! is lost on the way (written under one name, read under another) fails here.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::console::update::{Patch, UpdateData};
use crate::ops::type_system::{AttributeInfo, ComposedTypeInfo};
use crate::ops::{
    About, CacheStats, ClusterInfo, ConfigAction, ConfigChange, CronJob, DataSourceInfo, LogLevel,
    Logger, MemoryInfo, PkInfo,
};

/// Every leaf of `v` that holds a default (`null`, `false`, `0`, `""`, `[]`, `{}`).
fn defaults(v: &Value, at: &str, found: &mut Vec<String>) {
    match v {
        Value::Null => found.push(at.to_owned()),
        Value::Bool(false) => found.push(at.to_owned()),
        Value::Number(n) if n.as_f64() == Some(0.0) => found.push(at.to_owned()),
        Value::String(s) if s.is_empty() => found.push(at.to_owned()),
        Value::Array(a) if a.is_empty() => found.push(at.to_owned()),
        Value::Object(o) if o.is_empty() => found.push(at.to_owned()),
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                defaults(x, &format!("{at}[{i}]"), found);
            }
        }
        Value::Object(o) => {
            for (k, x) in o {
                defaults(x, &format!("{at}.{k}"), found);
            }
        }
        _ => {}
    }
}

fn round_trip<T>(wire: &str)
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let name = std::any::type_name::<T>();
    let read: T = serde_json::from_str(wire).unwrap_or_else(|e| panic!("{name} from HAC: {e}"));
    let written = serde_json::to_value(&read).unwrap();
    let mut unset = Vec::new();
    defaults(&written, "", &mut unset);
    assert!(unset.is_empty(), "{name}: the case leaves {unset:?} unset");
    let again: T = serde_json::from_value(written.clone())
        .unwrap_or_else(|e| panic!("{name} from its own JSON {written}: {e}"));
    assert_eq!(read, again, "{name} through {written}");
}

#[test]
fn what_is_written_reads_back() {
    round_trip::<About>(
        r#"{"platform":"2211.38","os":"Linux 6.1 amd64","server":"tomcat","numCPU":"8","environment":"production"}"#,
    );
    round_trip::<PkInfo>(
        r#"{"pkString":"8796093054977","pkTypeCode":1,"pkComposedTypeCode":"Product","pkClusterId":2,
            "pkCreationTime":1700000000000,"pkCreationDate":"2023-11-14","counterBased":true,"pkAsHex":"0x1"}"#,
    );
    round_trip::<ClusterInfo>(
        r#"{"clusterEnabled":true,"clusterIslandId":3,"clusterNodeId":1,"dynamicClusterNodeId":4,
            "nodes":[{"nodeIP":"10.0.0.1","nodeID":1,"dynamicNodeID":4,"methodName":"jgroups"}]}"#,
    );
    round_trip::<DataSourceInfo>(
        r#"{"dsId":"master","url":"jdbc:hsqldb:mem","dbName":"HSQL","dbVersion":"2.7","dbUser":"sa",
            "numInUse":1,"numPhysicalOpen":2,"maxAllowedOpen":90}"#,
    );
    round_trip::<MemoryInfo>(
        r#"{"freeMemory":1,"totalMemory":2,"usedMemory":3,"heap_used":4,"heap_comitted":5,"heap_max":6,
            "nonheap_used":7}"#,
    );
    round_trip::<CacheStats>(
        r#"{"totalRegionCount":1,"regions":[{"name":"entityCacheRegion","maxEntries":10,"maxReachedSize":5,
            "cacheStatistics":{"hits":1,"fetches":2,"misses":3,"evictions":4,"invalidations":5,"instanceCount":6}}]}"#,
    );
    round_trip::<CronJob>(r#"{"cronJobCode":"solr-full","jobCode":"solrJob","progress":"50%"}"#);
    round_trip::<ConfigChange>(r#"{"action":"update"}"#);
    round_trip::<UpdateData>(
        r#"{"isInitializing":true,"initInfo":"running","tenantID":"master","master":true,
            "projectDatas":[{"name":"electronicsstore","description":"Electronics",
            "parameter":[{"name":"importSampleData","label":"Sample data","values":{"yes":true},
            "legacy":true,"multiSelect":true,"default":"yes"}]}]}"#,
    );
    round_trip::<Patch>(
        r#"{"hash":"abc","name":"P1","description":"d","process":"p","required":true,"since":"2211"}"#,
    );
    round_trip::<ComposedTypeInfo>(
        r#"{"code":"Product","super_type":"GenericItem","attributes":[{"qualifier":"code","attribute_type":"java.lang.String","optional":true,"unique":true}]}"#,
    );
    round_trip::<AttributeInfo>(
        r#"{"qualifier":"code","attribute_type":"java.lang.String","optional":true,"unique":true}"#,
    );
    round_trip::<Logger>(r#"{"name":"root","parent":"none","level":"DEBUG"}"#);
    assert_eq!(
        serde_json::from_str::<ConfigAction>(r#""create""#).unwrap(),
        ConfigAction::Create
    );
    assert_eq!(serde_json::to_string(&LogLevel::Warn).unwrap(), r#""WARN""#);
}

/// `FlexibleSearchResult` only serializes (a report); reading its own JSON as HAC's answer is an
/// error, never an empty result.
#[test]
fn a_result_of_ours_is_not_taken_for_an_answer_of_hacs() {
    let r = crate::FlexibleSearchResult::from_json(
        r#"{"headers":["a"],"resultList":[["x"]],"resultCount":1,"exception":null}"#,
    )
    .unwrap();
    assert_eq!(r.len(), 1);
    let ours = serde_json::to_string(&r).unwrap();
    assert!(crate::FlexibleSearchResult::from_json(ours).is_err());
}
