//! The one catalogue of rules: every finding code `status` (and `buckets`,
//! `quota check`) can report, with its severity, what it means, its place in
//! docs/findings.md, whether it needs a live cluster, and how `tune` relates to
//! it. `Finding::new` refuses a code that is not here (in debug builds, so every
//! test catches it), and the tests below hold the catalogue, the docs and tune's
//! rule list together. A new rule starts with a line here; its logic goes in
//! the module of what it judges ([`jvm`], [`server`], [`iceberg`], [`spark`]) when
//! both `status` and `tune` use it.

use crate::findings::Severity;

pub mod iceberg;
pub mod jvm;
pub mod proposal;
pub mod server;
pub mod spark;

pub use crate::platform::trino::memory::round_size;

/// Bytes as a Kubernetes quantity in whole GiB (`23Gi`).
pub(crate) fn gib(bytes: u64) -> String {
    crate::platform::quantity::Quantity::from_bytes(bytes as i128).display_bytes()
}

/// How `tune` relates to a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tune {
    /// A config fault `tune plan` fixes, with the tune rules that do it.
    Fixes(&'static [&'static str]),
    /// A config finding tune cannot fix by editing a file, and why.
    Cannot(&'static str),
    /// About the running platform or the cluster, not a config file.
    NotAConfigFile,
}

/// One rule.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// The stable code (`trino.heap-above-limit`).
    pub code: &'static str,
    /// Its usual severity (a few rules grade by degree: the finding says).
    pub severity: Severity,
    /// Whether it can only be judged on a live cluster (pod states, events,
    /// probes, synced secrets), never from manifests alone.
    pub live_only: bool,
    /// How `tune` relates to it.
    pub tune: Tune,
    /// What it means, as docs/findings.md says it.
    pub meaning: &'static str,
}

impl Rule {
    /// Where docs/findings.md explains it (the table row's anchor).
    pub(crate) fn docs_anchor(&self) -> String {
        format!("docs/findings.md#{}", self.code.replace('.', ""))
    }
}

/// Tune rules that improve a setup that works: proposals, never findings.
pub(crate) const TUNE_IMPROVEMENTS: &[&str] = &[
    "trino.g1",
    "trino.g1-region",
    "trino.documented-jvm-flag",
    "iceberg.file-format",
    "iceberg.compression-codec",
    "iceberg.native-s3",
    "iceberg.s3-connections",
    "iceberg.metadata-cache",
    "iceberg.parquet-vectorized",
    "spark.aqe-parallelism-first",
    "spark.kryo-buffer",
    "spark.arrow",
    "spark.s3a-upload-buffer",
    "spark.s3a-multipart",
    "spark.s3a-legacy",
    "spark.memory-overhead",
];

/// Every rule, grouped by component as docs/findings.md lists them.
pub const RULES: &[Rule] = &[
    Rule {
        code: "cluster.not-checked",
        severity: Severity::Info,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "a list the report needs could not be read (RBAC forbade it, or the API server failed): it names every such list; the components that need them are `partly checked` (never `healthy`) and their summaries end in `not checked: …`. `tune plan` notes it for SparkApplications it may not read. Bind `deploy/rbac/kubectl-dp-read.yaml` ([SECURITY.md](../SECURITY.md))",
    },
    Rule {
        code: "cluster.undecodable-object",
        severity: Severity::Warning,
        live_only: false,
        tune: Tune::NotAConfigFile,
        meaning: "an object of a list (a SparkApplication with `sparkConf: \"x\"`, a claim nested 140 deep) could not be decoded: it is named and left out, the rest of the report goes on (`tune plan` names it in its notes; every command also warns on stderr)",
    },
    Rule {
        code: "trino.not-ready",
        severity: Severity::Critical,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "the coordinator, or every worker, is not ready",
    },
    Rule {
        code: "trino.degraded",
        severity: Severity::Warning,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "some workers are not ready",
    },
    Rule {
        code: "trino.oom-killed",
        severity: Severity::Warning,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "a Trino container was OOM-killed recently",
    },
    Rule {
        code: "trino.heap-above-limit",
        severity: Severity::Critical,
        live_only: false,
        tune: Tune::Fixes(&["trino.heap-share"]),
        meaning: "`-Xmx` is above the container memory limit: the kernel will OOM-kill the JVM",
    },
    Rule {
        code: "trino.heap-near-limit",
        severity: Severity::Warning,
        live_only: false,
        tune: Tune::Fixes(&["trino.heap-share"]),
        meaning: "`-Xmx` is above ~85% of the limit (off-heap memory has no room)",
    },
    Rule {
        code: "trino.heap-not-set",
        severity: Severity::Warning,
        live_only: false,
        tune: Tune::Fixes(&["trino.heap-share"]),
        meaning: "no `-Xmx`: the JVM takes 25% of the container",
    },
    Rule {
        code: "trino.jvm-option-refused",
        severity: Severity::Critical,
        live_only: false,
        tune: Tune::Fixes(&["trino.jvm-option-refused", "trino.heap-share"]),
        meaning: "an option the JVM refuses (`-XX:MaxRAMPercentage=150`, `-Xms` above `-Xmx`, `-Xmx 13G` with a space, in jvm.config or `JAVA_TOOL_OPTIONS`/`JDK_JAVA_OPTIONS`): the JVM does not start",
    },
    Rule {
        code: "trino.no-memory-limit",
        severity: Severity::Warning,
        live_only: false,
        tune: Tune::Cannot("the heap share needs a limit; tune sizes limits only with --memory"),
        meaning: "a fixed heap but no container memory limit",
    },
    Rule {
        code: "trino.query-memory-exceeds-heap",
        severity: Severity::Critical,
        live_only: false,
        tune: Tune::Fixes(&["trino.query-memory-per-node", "trino.heap-headroom"]),
        meaning: "`query.max-memory-per-node` + `memory.heap-headroom-per-node` > heap: Trino refuses to start (equal still starts: proven against Trino 476, see below)",
    },
    Rule {
        code: "trino.query-total-below-max",
        severity: Severity::Critical,
        live_only: false,
        tune: Tune::Fixes(&["trino.query-max-total-memory"]),
        meaning: "`query.max-total-memory` < `query.max-memory`",
    },
    Rule {
        code: "trino.query-memory-above-workers",
        severity: Severity::Warning,
        live_only: false,
        tune: Tune::Fixes(&["trino.query-max-memory"]),
        meaning: "`query.max-memory` is more than the workers can hold (workers × `query.max-memory-per-node`)",
    },
    Rule {
        code: "trino.removed-property",
        severity: Severity::Critical,
        live_only: false,
        tune: Tune::Fixes(&["trino.removed-property"]),
        meaning: "a property Trino removed (`query.max-total-memory-per-node`)",
    },
    Rule {
        code: "trino.legacy-jvm-flag",
        severity: Severity::Warning,
        live_only: false,
        tune: Tune::Fixes(&["trino.legacy-jvm-flag"]),
        meaning: "JVM flags from old JDKs or other collectors",
    },
    Rule {
        code: "trino.config-malformed",
        severity: Severity::Critical,
        live_only: false,
        tune: Tune::Cannot(
            "a line that does not parse has no meaning to rewrite: tune lists it as a note",
        ),
        meaning: "a line of jvm.config, config.properties or a catalog that does not parse (file and line named)",
    },
    Rule {
        code: "trino.config-invalid-size",
        severity: Severity::Critical,
        live_only: false,
        tune: Tune::Fixes(&["trino.query-memory-per-node", "trino.heap-headroom"]),
        meaning: "a memory size in config.properties that Trino does not accept: `query.max-memory` and `query.max-total-memory` as airlift data sizes (`lots`, `8gb`, `99999999999999PB`: above 2^63 bytes), `query.max-memory-per-node` and `memory.heap-headroom-per-node` as Trino's heap sizes (a data size or a share such as `30%`, above 0, at most 100%). See [Trino values](#values-trino-properties-by-type)",
    },
    Rule {
        code: "trino.config-invalid-value",
        severity: Severity::Critical,
        live_only: false,
        tune: Tune::Cannot(
            "a value of the wrong type has no meaning tune could keep: the finding names what Trino accepts",
        ),
        meaning: "a value in config.properties or an Iceberg catalog that Trino refuses at start-up: not of the property's type (a boolean other than true/false, a number, a data size or duration in another unit or case, an enum name Trino does not have) or outside its bounds (`@Min`, `@Max`, `@MinDataSize`, `@PowerOfTwo`…), or a legacy name beside its current one. File, line, property, value and what Trino accepts are named; `${ENV:…}` values are not judged. Types and bounds come from Trino 476's config classes (see [Trino values](#values-trino-properties-by-type))",
    },
    Rule {
        code: "trino.configmap-missing",
        severity: Severity::Critical,
        live_only: false,
        tune: Tune::Cannot("nothing to edit: the object is absent"),
        meaning: "a Trino pod mounts a ConfigMap that does not exist",
    },
    Rule {
        code: "trino.catalog-literal-secret",
        severity: Severity::Critical,
        live_only: false,
        tune: Tune::Cannot(
            "the value must move into a Secret the pod reads as ${ENV:...}: a change to the workload, not to the file alone",
        ),
        meaning: "a credential (`*.password`, `s3.aws-secret-key`, `*.secret-key`, `*.token`…) written as a literal in a catalog ConfigMap (key and line named, never the value); move it to a Secret and write `key=${ENV:NAME}`. Every diff and `tune export` masks such values",
    },
    Rule {
        code: "trino.catalog-unknown-property",
        severity: Severity::Critical,
        live_only: false,
        tune: Tune::Fixes(&["iceberg.invented-property"]),
        meaning: "a catalog property that does not exist in Trino: the catalog fails to load",
    },
    Rule {
        code: "trino.catalog-unverified-property",
        severity: Severity::Info,
        live_only: false,
        tune: Tune::Cannot("information only: the name may be valid in another Trino version"),
        meaning: "an `iceberg.*` property kubectl-dp does not know",
    },
    Rule {
        code: "trino.catalog-nessie-missing",
        severity: Severity::Critical,
        live_only: false,
        tune: Tune::Cannot("a deployment fault (the Service), not a setting"),
        meaning: "the Iceberg catalog points at a Nessie Service that is not there",
    },
    Rule {
        code: "trino.catalog-s3-missing",
        severity: Severity::Critical,
        live_only: false,
        tune: Tune::Cannot("a deployment fault (the Service), not a setting"),
        meaning: "the catalog's S3 endpoint names a Service that is not there",
    },
    Rule {
        code: "trino.engine-starting",
        severity: Severity::Critical,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "`--probe`: the coordinator answers `/v1/info` with `starting: true`",
    },
    Rule {
        code: "trino.workers-not-registered",
        severity: Severity::Warning,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "`--probe`: fewer workers are active in `system.runtime.nodes` than worker pods are Ready",
    },
    Rule {
        code: "trino.catalog-not-loaded",
        severity: Severity::Critical,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "`--probe`: a catalog file of the coordinator's catalog ConfigMap is not in `system.metadata.catalogs`",
    },
    Rule {
        code: "trino.probe-skipped",
        severity: Severity::Info,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "`--probe` was asked but the coordinator could not be (no `--trino-url`, not reachable, not http://)",
    },
    Rule {
        code: "nessie.not-ready",
        severity: Severity::Critical,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "Nessie is not ready",
    },
    Rule {
        code: "nessie.in-memory-store",
        severity: Severity::Warning,
        live_only: false,
        tune: Tune::NotAConfigFile,
        meaning: "Nessie keeps commits in memory (lost on restart): `nessie.version.store.type` is `IN_MEMORY` in env or the chart's `application.properties`, or nothing sets it (the message names which)",
    },
    Rule {
        code: "nessie.password-in-env",
        severity: Severity::Critical,
        live_only: false,
        tune: Tune::NotAConfigFile,
        meaning: "the database password is a literal in the pod spec",
    },
    Rule {
        code: "nessie.password-in-configmap",
        severity: Severity::Critical,
        live_only: false,
        tune: Tune::NotAConfigFile,
        meaning: "the database password is written in a ConfigMap (`application.properties`, or an env var read from a ConfigMap)",
    },
    Rule {
        code: "postgres.not-ready",
        severity: Severity::Critical,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "Postgres is not ready",
    },
    Rule {
        code: "postgres.password-in-env",
        severity: Severity::Critical,
        live_only: false,
        tune: Tune::NotAConfigFile,
        meaning: "a Postgres password (`POSTGRES_PASSWORD`, `POSTGRESQL_PASSWORD`, `POSTGRES_POSTGRES_PASSWORD`) is a literal in the pod spec",
    },
    Rule {
        code: "postgres.password-in-configmap",
        severity: Severity::Critical,
        live_only: false,
        tune: Tune::NotAConfigFile,
        meaning: "a Postgres password is read from a ConfigMap",
    },
    Rule {
        code: "postgres.password-file-missing",
        severity: Severity::Critical,
        live_only: false,
        tune: Tune::NotAConfigFile,
        meaning: "`POSTGRES_PASSWORD_FILE` (Bitnami's `usePasswordFiles`) names a file no volume provides, e.g. a key `auth.secretKeys.*` names that the Secret lacks: the container exits at start",
    },
    Rule {
        code: "spark.application-failed",
        severity: Severity::Warning,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "a SparkApplication is FAILED or SUBMISSION_FAILED (with its error message)",
    },
    Rule {
        code: "spark.packages-at-startup",
        severity: Severity::Warning,
        live_only: false,
        tune: Tune::Fixes(&["spark.jars-packages"]),
        meaning: "`spark.jars.packages` downloads jars at every start",
    },
    Rule {
        code: "spark.aqe-disabled",
        severity: Severity::Warning,
        live_only: false,
        tune: Tune::Fixes(&["spark.aqe"]),
        meaning: "adaptive query execution switched off",
    },
    Rule {
        code: "spark.kryo-disabled",
        severity: Severity::Info,
        live_only: false,
        tune: Tune::Fixes(&["spark.kryo"]),
        meaning: "a serializer other than Kryo",
    },
    Rule {
        code: "spark.s3a-connections-below-threads",
        severity: Severity::Warning,
        live_only: false,
        tune: Tune::Fixes(&["spark.s3a-connections"]),
        meaning: "`fs.s3a.connection.maximum` is not above `fs.s3a.threads.max`: upload threads wait for connections",
    },
    Rule {
        code: "spark.conf-invalid-value",
        severity: Severity::Critical,
        live_only: false,
        tune: Tune::Cannot(
            "a value of the wrong type has no meaning tune could keep: the finding names what Spark accepts",
        ),
        meaning: "a `sparkConf` or S3A `hadoopConf` value (or a `driver`/`executor` `memory`/`memoryOverhead`, `memoryOverheadFactor` the operator passes as conf) that Spark 4.0 refuses: a byte string with a fraction or a unit Spark does not have (`1.5g`, `4gib`), a time string likewise (`10sec`), a boolean other than true/false, a number that is not one, or outside the entry's bound (`spark.sql.shuffle.partitions` above 0, memory at least 450m, Kryo buffers below 2048m…): the application fails to start. See [values by type](#values-trino-properties-by-type)",
    },
    Rule {
        code: "spark.driver-result-size-too-large",
        severity: Severity::Warning,
        live_only: false,
        tune: Tune::Fixes(&["spark.driver-result-size"]),
        meaning: "`spark.driver.maxResultSize` is 0 or more than half the driver memory: collecting results OOM-kills the driver",
    },
    Rule {
        code: "spark.driver-not-running",
        severity: Severity::Warning,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "a SUBMITTED/RUNNING application whose driver pod cannot run (with the pod-level cause)",
    },
    Rule {
        code: "bucket.claim-pending",
        severity: Severity::Warning,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "a claim is Pending (provisioning)",
    },
    Rule {
        code: "bucket.pending-too-long",
        severity: Severity::Warning,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "a claim has been Pending for more than 5 minutes",
    },
    Rule {
        code: "bucket.claim-failed",
        severity: Severity::Critical,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "a claim is Failed",
    },
    Rule {
        code: "bucket.secret-missing",
        severity: Severity::Critical,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "a Bound claim has no Secret (credentials)",
    },
    Rule {
        code: "bucket.configmap-missing",
        severity: Severity::Critical,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "a Bound claim has no ConfigMap (endpoint)",
    },
    Rule {
        code: "bucket.lifecycle-invalid",
        severity: Severity::Critical,
        live_only: false,
        tune: Tune::NotAConfigFile,
        meaning: "`bucketLifecycle` breaks a rule of its readers (see [S3 lifecycle documents](#documents-s3-lifecycle)): Rook cannot decode it, or RGW refuses it, so Rook's provisioner fails at `failed to set bucket lifecycle` and applies none of it (critical); or S3 refuses it while RGW 16.2 accepts it with another meaning (warning). Names the rule ID, the field and the fix",
    },
    Rule {
        code: "bucket.lifecycle-unsorted",
        severity: Severity::Warning,
        live_only: false,
        tune: Tune::NotAConfigFile,
        meaning: "lifecycle rules are not sorted by ID (Rook sees a change on every reconcile)",
    },
    Rule {
        code: "bucket.lifecycle-duplicate-id",
        severity: Severity::Critical,
        live_only: false,
        tune: Tune::NotAConfigFile,
        meaning: "two lifecycle rules share an ID: S3 and RGW refuse the document (InvalidArgument)",
    },
    Rule {
        code: "bucket.lifecycle-ignored-field",
        severity: Severity::Warning,
        live_only: false,
        tune: Tune::NotAConfigFile,
        meaning: "a key of `bucketLifecycle` that is not an S3 lifecycle field (`Expiraton`): Rook's decoder drops it without a word, so the rule does less than it says",
    },
    Rule {
        code: "bucket.lifecycle-rule-without-id",
        severity: Severity::Warning,
        live_only: false,
        tune: Tune::NotAConfigFile,
        meaning: "a lifecycle rule without an ID: valid, but RGW gives it a random one, so the bucket never matches the claim (Rook re-applies it on every reconcile, `buckets check` reports drift)",
    },
    Rule {
        code: "bucket.config-field-refused",
        severity: Severity::Warning,
        live_only: false,
        tune: Tune::NotAConfigFile,
        meaning: "`additionalConfig` keys the Rook operator does not accept (warning when its ConfigMap was read)",
    },
    Rule {
        code: "secrets.store-not-ready",
        severity: Severity::Critical,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "a SecretStore or ClusterSecretStore is not Ready",
    },
    Rule {
        code: "secrets.external-secret-not-synced",
        severity: Severity::Critical,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "an ExternalSecret is not synced",
    },
    Rule {
        code: "secrets.hand-written",
        severity: Severity::Critical,
        live_only: false,
        tune: Tune::NotAConfigFile,
        meaning: "a Secret holds credentials but nothing manages it (key names shown, never values)",
    },
    Rule {
        code: "secrets.missing",
        severity: Severity::Critical,
        live_only: false,
        tune: Tune::NotAConfigFile,
        meaning: "a workload needs a Secret that does not exist; reported as one chain, root cause first (store → ExternalSecret → Secret → workload, or claim → Secret → workload)",
    },
    Rule {
        code: "gitops.unmanaged",
        severity: Severity::Warning,
        live_only: false,
        tune: Tune::NotAConfigFile,
        meaning: "an object neither Flux nor Argo CD manages, and no other object owns",
    },
    Rule {
        code: "gitops.orphan-job",
        severity: Severity::Warning,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "a Job that no CronJob, operator or GitOps tool owns",
    },
    Rule {
        code: "monitoring.not-installed",
        severity: Severity::Warning,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "the PrometheusRule CRD is not installed",
    },
    Rule {
        code: "monitoring.missing-rules",
        severity: Severity::Warning,
        live_only: false,
        tune: Tune::NotAConfigFile,
        meaning: "no PrometheusRule covers a component that runs",
    },
    Rule {
        code: "monitoring.rule-unparsable",
        severity: Severity::Warning,
        live_only: false,
        tune: Tune::NotAConfigFile,
        meaning: "a PrometheusRule expression does not parse (checked with the `promql-parser` crate; the parser's message is shown)",
    },
    Rule {
        code: "monitoring.coverage-gap",
        severity: Severity::Warning,
        live_only: false,
        tune: Tune::NotAConfigFile,
        meaning: "the alerts of Trino, Nessie or Spark do not watch all four kinds the platform promises: query latency, memory, job failures, resource exhaustion (classified from the metric names and label matchers the parsed expressions select)",
    },
    Rule {
        code: "policy.no-resource-quota",
        severity: Severity::Warning,
        live_only: false,
        tune: Tune::NotAConfigFile,
        meaning: "a platform namespace without a ResourceQuota",
    },
    Rule {
        code: "policy.no-limit-range",
        severity: Severity::Warning,
        live_only: false,
        tune: Tune::NotAConfigFile,
        meaning: "a platform namespace without a LimitRange",
    },
    Rule {
        code: "network.flow-blocked",
        severity: Severity::Critical,
        live_only: false,
        tune: Tune::NotAConfigFile,
        meaning: "with NetworkPolicies in place, a flow the platform needs is not allowed (Trino → Nessie, Nessie → Postgres, Trino and Spark → the S3 endpoint, coordinator ↔ workers): names the policy set that isolates the pod, the direction and the missing rule; the chain leads from the policy to the component it breaks",
    },
    Rule {
        code: "network.service-missing",
        severity: Severity::Critical,
        live_only: false,
        tune: Tune::Cannot("a deployment fault (the Service), not a setting"),
        meaning: "a URL in the platform's configuration (a catalog's REST or JDBC URL, a connector's `connection-url`, a container `env` value, a key of a mounted `.properties` file such as Trino's `discovery.uri` or Nessie's `quarkus.datasource.jdbc.url`, a SparkApplication's `sparkConf`/`hadoopConf`/`env`) names a cluster Service that does not exist",
    },
    Rule {
        code: "network.service-port-not-served",
        severity: Severity::Critical,
        live_only: false,
        tune: Tune::Cannot("the right port is a deployment fact, not a tuning choice"),
        meaning: "a URL names a Service that exists, on a port the Service does not serve (the port written, or the scheme's default: http 80, https 443, postgresql 5432): connections are refused",
    },
    Rule {
        code: "policy.no-default-deny",
        severity: Severity::Warning,
        live_only: false,
        tune: Tune::NotAConfigFile,
        meaning: "a platform namespace without a default-deny NetworkPolicy",
    },
    Rule {
        code: "security.pss-restricted",
        severity: Severity::Warning,
        live_only: false,
        tune: Tune::NotAConfigFile,
        meaning: "a Trino, Nessie or Postgres pod template does not meet the Pod Security Standard \"restricted\" (runAsNonRoot, allowPrivilegeEscalation=false, capabilities.drop=[ALL], seccompProfile RuntimeDefault, no host namespaces/paths/ports): the message names each field to set",
    },
    Rule {
        code: "resources.refused-by-limit-range",
        severity: Severity::Critical,
        live_only: false,
        tune: Tune::NotAConfigFile,
        meaning: "a workload's or SparkApplication's pods break a LimitRange (container or pod `min`, `max`, `maxLimitRequestRatio`, after its defaults; Spark pods sized as the operator sizes them): admission refuses them",
    },
    Rule {
        code: "resources.refused-by-quota",
        severity: Severity::Critical,
        live_only: false,
        tune: Tune::NotAConfigFile,
        meaning: "a ResourceQuota constrains a compute resource (`limits.cpu`, `requests.memory`, …) that a container leaves unset and no LimitRange defaults: the quota refuses every such pod",
    },
    Rule {
        code: "security.literal-secret",
        severity: Severity::Critical,
        live_only: false,
        tune: Tune::Cannot(
            "the value must move into a Secret: tune export writes the placeholder and names the Secret",
        ),
        meaning: "a secret written as a literal in a ConfigMap (a key named like a secret, a `key=value` inside a file, a password in a URL, a PEM private key, a token) or a SparkApplication (`sparkConf`/`hadoopConf` values, `env` values, `--password x` in `arguments`, `spark.jars.repositories` userinfo): the object, file, line and key or shape are named, never the value. Which names and shapes count is `src/redact/keys.rs` and `src/redact/line.rs`, the rules that mask every output. Catalog credentials are `trino.catalog-literal-secret`. `tune export` writes `${ENV:NAME}` / `secretKeyRef` placeholders instead and names the Secret to create",
    },
    Rule {
        code: "references.key-missing",
        severity: Severity::Critical,
        live_only: false,
        tune: Tune::NotAConfigFile,
        meaning: "a pod template reads a key (`env.valueFrom`, a volume's or projected source's `items`) that its Secret or ConfigMap does not hold: its pods cannot start",
    },
    Rule {
        code: "references.configmap-missing",
        severity: Severity::Critical,
        live_only: false,
        tune: Tune::NotAConfigFile,
        meaning: "a pod template reads a whole ConfigMap (`envFrom`, a volume) that does not exist, not marked optional: its pods cannot start (Trino's own are `trino.configmap-missing`)",
    },
    Rule {
        code: "references.port-name-missing",
        severity: Severity::Critical,
        live_only: false,
        tune: Tune::NotAConfigFile,
        meaning: "a probe (`httpGet`/`tcpSocket`) or a Service `targetPort` names a container port the container does not declare: the kubelet fails the probe (pods never ready, or restarted by liveness), the Service gets no endpoints",
    },
    Rule {
        code: "references.secret-store-missing",
        severity: Severity::Critical,
        live_only: false,
        tune: Tune::NotAConfigFile,
        meaning: "an ExternalSecret reads from a SecretStore (in its namespace) or ClusterSecretStore that does not exist: its Secret is never written",
    },
    Rule {
        code: "references.object-missing",
        severity: Severity::Critical,
        live_only: false,
        tune: Tune::NotAConfigFile,
        meaning: "a pod template names a ServiceAccount, PriorityClass or PersistentVolumeClaim that does not exist, or a claim (template) names a StorageClass that does not exist or none when the cluster has no default class: the pods are not created, or stay Pending",
    },
    Rule {
        code: "resources.missing",
        severity: Severity::Warning,
        live_only: false,
        tune: Tune::NotAConfigFile,
        meaning: "containers without cpu/memory requests or a memory limit",
    },
    // What the other commands grade, so that --fail-on means the same everywhere.
    Rule {
        code: "quota.does-not-fit",
        severity: Severity::Critical,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "`quota check`: each reason the change does not fit",
    },
    Rule {
        code: "quota.check-note",
        severity: Severity::Info,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "`quota check`: each note (what could not be checked)",
    },
    Rule {
        code: "bucket.check-failed",
        severity: Severity::Critical,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "`buckets check`: an S3 step failed (credentials, bucket, probe object)",
    },
    Rule {
        code: "bucket.check-not-bound",
        severity: Severity::Warning,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "`buckets check`: the claim is not Bound yet, there is no bucket to check",
    },
    Rule {
        code: "bucket.check-lifecycle-drift",
        severity: Severity::Warning,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "`buckets check`: the bucket's lifecycle differs from the claim's",
    },
    Rule {
        code: "tune.change",
        severity: Severity::Warning,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "`tune plan`: each proposed change",
    },
    Rule {
        code: "tune.note",
        severity: Severity::Info,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "`tune plan`: each note",
    },
    Rule {
        code: "tune.size-does-not-fit",
        severity: Severity::Critical,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "`tune plan --workers/--worker-memory/...`: each reason the size does not fit",
    },
    Rule {
        code: "perf.query-failed",
        severity: Severity::Critical,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "`perf run`: a query with failed runs",
    },
    Rule {
        code: "perf.operation-failed",
        severity: Severity::Critical,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "`perf run`: an S3 operation with failures",
    },
    Rule {
        code: "perf.cleanup-failed",
        severity: Severity::Critical,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "`perf run`: an object the storage suite could not delete",
    },
    Rule {
        code: "perf.spark-run-failed",
        severity: Severity::Critical,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "`perf run`: a SparkApplication that did not complete",
    },
    Rule {
        code: "perf.regression",
        severity: Severity::Critical,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "`perf run --baseline`, `perf compare`: significantly slower beyond `--threshold`",
    },
    Rule {
        code: "perf.slower",
        severity: Severity::Warning,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "the same, significantly slower but within `--threshold`",
    },
    Rule {
        code: "perf.yardstick-slower",
        severity: Severity::Warning,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "the yardstick query itself is significantly slower beyond `--threshold`: the machines, or a change that slows every query alike",
    },
    Rule {
        code: "perf.warmup-unsettled",
        severity: Severity::Info,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "`perf run`: a query's timings did not settle before the warm-up ceiling",
    },
    Rule {
        code: "perf.near-memory-limit",
        severity: Severity::Warning,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "`perf run --suite resources`: a component uses over 90% of its memory limit",
    },
    Rule {
        code: "perf.resource-flag",
        severity: Severity::Info,
        live_only: true,
        tune: Tune::NotAConfigFile,
        meaning: "`perf run --suite resources`: a component over-requests, or runs without limits",
    },
];

/// The rule of a code.
pub fn rule(code: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.code == code)
}

/// The status codes a tune rule fixes.
pub fn fixed_by(tune_rule: &str) -> impl Iterator<Item = &'static Rule> + '_ {
    RULES
        .iter()
        .filter(move |r| matches!(r.tune, Tune::Fixes(rules) if rules.contains(&tune_rule)))
}

/// Whether a tune rule is known: it fixes a catalogued finding or is an improvement.
pub(crate) fn is_tune_rule(name: &str) -> bool {
    TUNE_IMPROVEMENTS.contains(&name) || fixed_by(name).next().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCS: &str = include_str!("../../../docs/findings.md");

    #[test]
    fn codes_are_unique_and_documented() {
        let mut seen = std::collections::BTreeSet::new();
        for rule in RULES {
            assert!(seen.insert(rule.code), "{} twice", rule.code);
            assert!(
                DOCS.contains(&format!("| `{}` |", rule.code)),
                "{} has no row in docs/findings.md",
                rule.code
            );
        }
    }

    #[test]
    fn every_documented_code_is_a_rule() {
        // Every code table: the main one and the other commands' (not the
        // pod-level causes nor the tune-rule pairs, which are not findings).
        let main = &DOCS[..DOCS.find("## Pod-level causes").unwrap_or(DOCS.len())];
        let others = DOCS
            .find("## What `--fail-on` grades")
            .map_or("", |i| &DOCS[i..]);
        for line in main
            .lines()
            .chain(others.lines())
            .filter(|l| l.starts_with("| `"))
        {
            let code = line.split('`').nth(1).unwrap_or_default();
            assert!(
                rule(code).is_some(),
                "docs/findings.md lists {code}, the catalogue does not"
            );
        }
    }

    #[test]
    fn tune_fixes_are_for_config_rules_only() {
        for rule in RULES {
            if let Tune::Fixes(names) = rule.tune {
                assert!(
                    !rule.live_only,
                    "{}: a live-only rule has no config fix",
                    rule.code
                );
                assert!(!names.is_empty(), "{}", rule.code);
            }
        }
        for improvement in TUNE_IMPROVEMENTS {
            assert!(
                fixed_by(improvement).next().is_none(),
                "{improvement} is both"
            );
        }
    }
}
