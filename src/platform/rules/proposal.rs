//! What a rule proposes, before `tune` attaches it to an object: the setting,
//! its value now and after, the rule and its reason, and how to make the edit.

use serde::Serialize;

/// How a change is made to the text of a file or to an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// jvm.config: replace the last option starting with `prefix`, or append `option`.
    JvmSet {
        /// The option's prefix (`-Xmx`).
        prefix: String,
        /// The whole option (`-Xmx22G`).
        option: String,
    },
    /// jvm.config: remove the line holding exactly `option`.
    JvmRemove {
        /// The option.
        option: String,
    },
    /// A properties file: set `key` (rewriting its line in place) or append it.
    PropSet {
        /// The property.
        key: String,
        /// Its new value.
        value: String,
    },
    /// A properties file: remove every line defining `key`.
    PropRemove {
        /// The property.
        key: String,
    },
    /// A SparkApplication map (`sparkConf` or `hadoopConf`): set or remove (`None`) a key.
    SparkConf {
        /// `sparkConf` or `hadoopConf`.
        map: String,
        /// The key.
        key: String,
        /// Its new value (`None`: remove).
        value: Option<String>,
    },
    /// A SparkApplication pod field (`driver`/`executor`, `memoryOverhead`).
    SparkPod {
        /// `driver` or `executor`.
        role: String,
        /// The field (`memoryOverhead`).
        field: String,
        /// Its new value.
        value: String,
    },
    /// A Deployment container's memory request and limit (sizing).
    Memory {
        /// The container.
        container: String,
        /// Request and limit, in bytes.
        bytes: u64,
    },
    /// A Deployment's replicas (sizing).
    Replicas {
        /// The new replica count.
        replicas: i32,
    },
}

/// A rule's answer before it is attached to an object and file.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    /// The setting.
    pub setting: String,
    /// The line in the file, when it already has the setting.
    pub line: Option<usize>,
    /// The value now.
    pub current: Option<String>,
    /// The value proposed (`None`: remove it).
    pub proposed: Option<String>,
    /// The rule's name.
    pub rule: &'static str,
    /// Why, with the numbers.
    pub reason: String,
    /// How to make the change.
    pub edit: Edit,
}

/// How hard the plan pushes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    /// Fix what is wrong; heap at 80% of the container limit
    #[default]
    Balanced,
    /// Also switch on optional speed-ups; heap at 85%, more query memory per node
    Throughput,
    /// Heap at 75%, less query memory per node
    LowMemory,
}

impl Profile {
    /// Target share of the container memory limit for -Xmx.
    pub(crate) fn heap_share(self) -> (u64, u64) {
        match self {
            Profile::Balanced => (8, 10),
            Profile::Throughput => (85, 100),
            Profile::LowMemory => (75, 100),
        }
    }

    /// Target share of the heap for query.max-memory-per-node.
    pub(crate) fn query_share(self) -> (u64, u64) {
        match self {
            Profile::Balanced => (3, 10),
            Profile::Throughput => (4, 10),
            Profile::LowMemory => (25, 100),
        }
    }
}
