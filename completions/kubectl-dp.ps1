
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'kubectl-dp' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'kubectl-dp'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'kubectl-dp' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the health of the data platform: Trino, Nessie, Postgres, Spark, buckets, secrets, and GitOps/security compliance, with a fix for every finding')
            [CompletionResult]::new('tune', 'tune', [CompletionResultType]::ParameterValue, 'Memory-safe JVM, Trino, Iceberg and Spark settings: see the plan with its reasons, apply it (with a backup), roll it back')
            [CompletionResult]::new('quota', 'quota', [CompletionResultType]::ParameterValue, 'Show ResourceQuota and LimitRange usage and the nodes'' allocatable against what the pods ask for; `check` tells whether manifests would fit')
            [CompletionResult]::new('buckets', 'buckets', [CompletionResultType]::ParameterValue, 'Rook-Ceph ObjectBucketClaims with lifecycle policies: list, create, describe, check against S3, delete without losing data by accident')
            [CompletionResult]::new('perf', 'perf', [CompletionResultType]::ParameterValue, 'Measure the data platform: Trino query latency, Spark job time, S3 throughput and resource use; compare against a saved baseline')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'print the suite''s version')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'shell completion: a script for bash|zsh|fish|powershell, or `install` for kubectl')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-dp;status' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'User to impersonate')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a CA certificate file for the API server')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for the API server')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)')
            [CompletionResult]::new('--namespace-selector', '--namespace-selector', [CompletionResultType]::ParameterName, 'With -A: cover the namespaces whose labels match this selector (`team=data,env in (prod)`) instead of those holding platform components')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'How often --watch reads again')
            [CompletionResult]::new('--operator-namespace', '--operator-namespace', [CompletionResultType]::ParameterName, 'Namespace of the Rook operator (where rook-ceph-operator-config says which bucket settings it accepts)')
            [CompletionResult]::new('--trino-url', '--trino-url', [CompletionResultType]::ParameterName, 'The coordinator''s HTTP URL for --probe (default: port-forward to its pod)')
            [CompletionResult]::new('--log-lines', '--log-lines', [CompletionResultType]::ParameterName, 'How many of a crashed container''s last lines to show under its finding (from its previous run, as `kubectl logs --previous`); 0 reads no logs')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the API server''s certificate (insecure)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Do not print table headers (as kubectl)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Keep running and redraw when what the report says changes (Ctrl-C ends it)')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Keep running and redraw when what the report says changes (Ctrl-C ends it)')
            [CompletionResult]::new('--probe', '--probe', [CompletionResultType]::ParameterName, 'Also ask the Trino coordinator what it sees (version, starting, registered workers, loaded catalogs) and compare it with the cluster: at --trino-url, else through a port-forward over the API server to a coordinator pod')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-dp;tune' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'User to impersonate')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a CA certificate file for the API server')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for the API server')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the API server''s certificate (insecure)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Do not print table headers (as kubectl)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Show what should change, with the rule and the numbers behind each change')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Apply the plan (server-side apply, field manager kubectl-dp, never forced) after a backup')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Restore what the last apply changed; refuses when it was edited since (see --force)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write the plan''s result for Git: kustomize files or Trino chart values')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-dp;tune;plan' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'How hard to push: balanced fixes what is wrong; throughput also enables optional speed-ups')
            [CompletionResult]::new('--workers', '--workers', [CompletionResultType]::ParameterName, 'Number of Trino workers')
            [CompletionResult]::new('--worker-memory', '--worker-memory', [CompletionResultType]::ParameterName, 'Container memory of each worker (requests = limits), e.g. 28Gi')
            [CompletionResult]::new('--coordinator-memory', '--coordinator-memory', [CompletionResultType]::ParameterName, 'Container memory of the coordinator, e.g. 10Gi')
            [CompletionResult]::new('--budget', '--budget', [CompletionResultType]::ParameterName, 'Memory for all Trino pods together; sizes the workers when --worker-memory is not given')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'User to impersonate')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a CA certificate file for the API server')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for the API server')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the API server''s certificate (insecure)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Do not print table headers (as kubectl)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-dp;tune;apply' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'How hard to push (see `tune plan --help`)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, '`server`: show the diff and send every write as a server-side dry run; nothing is persisted')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --restart waits')
            [CompletionResult]::new('--workers', '--workers', [CompletionResultType]::ParameterName, 'Number of Trino workers')
            [CompletionResult]::new('--worker-memory', '--worker-memory', [CompletionResultType]::ParameterName, 'Container memory of each worker (requests = limits), e.g. 28Gi')
            [CompletionResult]::new('--coordinator-memory', '--coordinator-memory', [CompletionResultType]::ParameterName, 'Container memory of the coordinator, e.g. 10Gi')
            [CompletionResult]::new('--budget', '--budget', [CompletionResultType]::ParameterName, 'Memory for all Trino pods together; sizes the workers when --worker-memory is not given')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'User to impersonate')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a CA certificate file for the API server')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for the API server')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (needed without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (needed without a terminal)')
            [CompletionResult]::new('--force-conflicts', '--force-conflicts', [CompletionResultType]::ParameterName, 'Take fields another field manager (Flux, Argo CD, kubectl edit) owns; without it such a conflict stops the apply')
            [CompletionResult]::new('--restart', '--restart', [CompletionResultType]::ParameterName, 'Roll the Trino Deployments whose ConfigMaps changed and wait until they are ready')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the API server''s certificate (insecure)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Do not print table headers (as kubectl)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-dp;tune;rollback' {
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, '`server`: show the diff and send every write as a server-side dry run; nothing is persisted')
            [CompletionResult]::new('--backup', '--backup', [CompletionResultType]::ParameterName, 'The backup to restore (default: the latest kubectl-dp-tune-backup-*)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --restart waits')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'User to impersonate')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a CA certificate file for the API server')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for the API server')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (needed without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (needed without a terminal)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Restore even over changes made since the apply (they are shown, then lost), taking fields other field managers own')
            [CompletionResult]::new('--restart', '--restart', [CompletionResultType]::ParameterName, 'Roll the Trino Deployments whose ConfigMaps are restored and wait until they are ready')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the API server''s certificate (insecure)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Do not print table headers (as kubectl)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-dp;tune;export' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'How hard to push (see `tune plan --help`)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Directory to write into (created if missing)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'What to write')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'User to impersonate')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a CA certificate file for the API server')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for the API server')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the API server''s certificate (insecure)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Do not print table headers (as kubectl)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-dp;tune;help' {
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Show what should change, with the rule and the numbers behind each change')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Apply the plan (server-side apply, field manager kubectl-dp, never forced) after a backup')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Restore what the last apply changed; refuses when it was edited since (see --force)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write the plan''s result for Git: kustomize files or Trino chart values')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-dp;tune;help;plan' {
            break
        }
        'kubectl-dp;tune;help;apply' {
            break
        }
        'kubectl-dp;tune;help;rollback' {
            break
        }
        'kubectl-dp;tune;help;export' {
            break
        }
        'kubectl-dp;tune;help;help' {
            break
        }
        'kubectl-dp;quota' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'User to impersonate')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a CA certificate file for the API server')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for the API server')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'Break the node view down by node, namespace, platform component or pod')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Only the ResourceQuotas and LimitRanges with these labels (kubectl''s label selector, e.g. team=data); the node view still counts every pod')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Only the ResourceQuotas and LimitRanges with these labels (kubectl''s label selector, e.g. team=data); the node view still counts every pod')
            [CompletionResult]::new('--node-selector', '--node-selector', [CompletionResultType]::ParameterName, 'Only the nodes whose labels match (a node pool: `pool=trino`); the node view then counts only the pods scheduled on them')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'How often --watch reads again')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the API server''s certificate (insecure)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Do not print table headers (as kubectl)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Also show what pods use now (metrics.k8s.io, from metrics-server) against their requests and limits, per node, namespace and pod')
            [CompletionResult]::new('--usage', '--usage', [CompletionResultType]::ParameterName, 'Also show what pods use now (metrics.k8s.io, from metrics-server) against their requests and limits, per node, namespace and pod')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Keep running and redraw when what the report says changes (Ctrl-C ends it)')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Keep running and redraw when what the report says changes (Ctrl-C ends it)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Would applying these manifests fit the quotas, the LimitRange and the nodes?')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Propose a ResourceQuota and LimitRange for the namespace (YAML; --apply to apply)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-dp;quota;check' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Manifest file, directory (read recursively) or - for stdin (repeatable)')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Manifest file, directory (read recursively) or - for stdin (repeatable)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Kustomization directory, built with `kubectl kustomize` ($KUBECTL or kubectl on PATH)')
            [CompletionResult]::new('--kustomize', '--kustomize', [CompletionResultType]::ParameterName, 'Kustomization directory, built with `kubectl kustomize` ($KUBECTL or kubectl on PATH)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'User to impersonate')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a CA certificate file for the API server')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for the API server')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the API server''s certificate (insecure)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Do not print table headers (as kubectl)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-dp;quota;plan' {
            [CompletionResult]::new('--memory', '--memory', [CompletionResultType]::ParameterName, 'The namespace''s memory budget (quota requests.memory and limits.memory)')
            [CompletionResult]::new('--cpu', '--cpu', [CompletionResultType]::ParameterName, 'The namespace''s CPU budget (quota requests.cpu and limits.cpu)')
            [CompletionResult]::new('--headroom', '--headroom', [CompletionResultType]::ParameterName, 'Headroom in percent over the largest container now, for the LimitRange maximum and the pod count')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'server: ask the API server what it would do, without changing anything')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'User to impersonate')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a CA certificate file for the API server')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for the API server')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)')
            [CompletionResult]::new('--apply', '--apply', [CompletionResultType]::ParameterName, 'Server-side apply the proposal (field manager kubectl-dp) after showing the diff')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'With --apply: do not ask for confirmation (needed without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'With --apply: do not ask for confirmation (needed without a terminal)')
            [CompletionResult]::new('--force-conflicts', '--force-conflicts', [CompletionResultType]::ParameterName, 'With --apply: take fields another field manager (Flux, Argo CD, kubectl) owns')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the API server''s certificate (insecure)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Do not print table headers (as kubectl)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-dp;quota;help' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Would applying these manifests fit the quotas, the LimitRange and the nodes?')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Propose a ResourceQuota and LimitRange for the namespace (YAML; --apply to apply)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-dp;quota;help;check' {
            break
        }
        'kubectl-dp;quota;help;plan' {
            break
        }
        'kubectl-dp;quota;help;help' {
            break
        }
        'kubectl-dp;buckets' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'User to impersonate')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a CA certificate file for the API server')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for the API server')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the API server''s certificate (insecure)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Do not print table headers (as kubectl)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List claims with phase, bucket, quota, lifecycle and warnings')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create (server-side apply, after a diff and a confirmation) or print a claim with a lifecycle policy')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'Everything about one claim')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Talk S3 to the bucket with the claim''s own credentials')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a claim, refusing while its bucket holds data or pods use it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-dp;buckets;list' {
            [CompletionResult]::new('--operator-namespace', '--operator-namespace', [CompletionResultType]::ParameterName, 'Namespace of the Rook operator (for rook-ceph-operator-config)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Only claims with these labels (kubectl''s label selector, e.g. team=data,tier!=test)')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Only claims with these labels (kubectl''s label selector, e.g. team=data,tier!=test)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'How often --watch reads again')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'User to impersonate')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a CA certificate file for the API server')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for the API server')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Keep running and redraw when what the report says changes (Ctrl-C ends it)')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Keep running and redraw when what the report says changes (Ctrl-C ends it)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the API server''s certificate (insecure)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Do not print table headers (as kubectl)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-dp;buckets;create' {
            [CompletionResult]::new('--storage-class', '--storage-class', [CompletionResultType]::ParameterName, 'StorageClass of the Rook object store')
            [CompletionResult]::new('--lifecycle', '--lifecycle', [CompletionResultType]::ParameterName, 'Lifecycle preset')
            [CompletionResult]::new('--expire-days', '--expire-days', [CompletionResultType]::ParameterName, 'Expire objects after N days')
            [CompletionResult]::new('--abort-multipart-days', '--abort-multipart-days', [CompletionResultType]::ParameterName, 'Abort incomplete multipart uploads after N days')
            [CompletionResult]::new('--noncurrent-expire-days', '--noncurrent-expire-days', [CompletionResultType]::ParameterName, 'Expire noncurrent object versions after N days')
            [CompletionResult]::new('--max-size', '--max-size', [CompletionResultType]::ParameterName, 'Bucket quota in bytes (e.g. 100Gi)')
            [CompletionResult]::new('--max-objects', '--max-objects', [CompletionResultType]::ParameterName, 'Bucket quota in objects')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, '`server`: show the diff and send every write as a server-side dry run; nothing is persisted')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'User to impersonate')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a CA certificate file for the API server')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for the API server')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)')
            [CompletionResult]::new('--generate-name', '--generate-name', [CompletionResultType]::ParameterName, 'Treat NAME as a prefix and let the API server add a suffix')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (needed without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (needed without a terminal)')
            [CompletionResult]::new('--update', '--update', [CompletionResultType]::ParameterName, 'Change the claim when it exists already (never its storage class or bucket name once Bound)')
            [CompletionResult]::new('--force-conflicts', '--force-conflicts', [CompletionResultType]::ParameterName, 'Take fields another field manager (Flux, Argo CD, kubectl edit) owns')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the claim is Bound')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the API server''s certificate (insecure)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Do not print table headers (as kubectl)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-dp;buckets;describe' {
            [CompletionResult]::new('--operator-namespace', '--operator-namespace', [CompletionResultType]::ParameterName, 'Namespace of the Rook operator (for rook-ceph-operator-config)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'User to impersonate')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a CA certificate file for the API server')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for the API server')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the API server''s certificate (insecure)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Do not print table headers (as kubectl)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-dp;buckets;check' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'With --all: only claims with these labels (kubectl''s label selector)')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'With --all: only claims with these labels (kubectl''s label selector)')
            [CompletionResult]::new('--s3-endpoint', '--s3-endpoint', [CompletionResultType]::ParameterName, 'Use this S3 endpoint instead of the claim ConfigMap''s BUCKET_HOST:BUCKET_PORT')
            [CompletionResult]::new('--s3-timeout', '--s3-timeout', [CompletionResultType]::ParameterName, 'Timeout of each S3 request')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'User to impersonate')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a CA certificate file for the API server')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for the API server')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Check every claim in the namespace (or all with -A)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the API server''s certificate (insecure)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Do not print table headers (as kubectl)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-dp;buckets;delete' {
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, '`server`: show the diff and send every write as a server-side dry run; nothing is persisted')
            [CompletionResult]::new('--s3-endpoint', '--s3-endpoint', [CompletionResultType]::ParameterName, 'Use this S3 endpoint instead of the claim ConfigMap''s BUCKET_HOST:BUCKET_PORT')
            [CompletionResult]::new('--s3-timeout', '--s3-timeout', [CompletionResultType]::ParameterName, 'Timeout of each S3 request')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'User to impersonate')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a CA certificate file for the API server')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for the API server')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Delete even though the bucket holds objects or pods use its credentials')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (needed without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (needed without a terminal)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the API server''s certificate (insecure)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Do not print table headers (as kubectl)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-dp;buckets;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List claims with phase, bucket, quota, lifecycle and warnings')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create (server-side apply, after a diff and a confirmation) or print a claim with a lifecycle policy')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'Everything about one claim')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Talk S3 to the bucket with the claim''s own credentials')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a claim, refusing while its bucket holds data or pods use it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-dp;buckets;help;list' {
            break
        }
        'kubectl-dp;buckets;help;create' {
            break
        }
        'kubectl-dp;buckets;help;describe' {
            break
        }
        'kubectl-dp;buckets;help;check' {
            break
        }
        'kubectl-dp;buckets;help;delete' {
            break
        }
        'kubectl-dp;buckets;help;help' {
            break
        }
        'kubectl-dp;perf' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'User to impersonate')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a CA certificate file for the API server')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for the API server')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the API server''s certificate (insecure)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Do not print table headers (as kubectl)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run the suites and report (and save) the figures')
            [CompletionResult]::new('compare', 'compare', [CompletionResultType]::ParameterValue, 'Compare two saved reports: change per query and whether it is significant')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-dp;perf;run' {
            [CompletionResult]::new('--suite', '--suite', [CompletionResultType]::ParameterName, 'Suites to run, comma-separated (default: every suite whose target the platform has)')
            [CompletionResult]::new('--iterations', '--iterations', [CompletionResultType]::ParameterName, 'Measured rounds: each query (object size, Spark job) runs this many times, queries interleaved')
            [CompletionResult]::new('--warmup', '--warmup', [CompletionResultType]::ParameterName, 'Unmeasured rounds first: auto (until each query''s timings settle, 6 to 30 rounds) or a number')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed of the per-round query order (default: fresh, recorded in the report)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Clients running at once')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Longest one query, S3 request or Spark job may take')
            [CompletionResult]::new('--save', '--save', [CompletionResultType]::ParameterName, 'Write the report as JSON to FILE (for a later --baseline or `perf compare`)')
            [CompletionResult]::new('--baseline', '--baseline', [CompletionResultType]::ParameterName, 'Compare against this saved report; exit 1 on a significant regression')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'With --baseline: the smallest significant slowdown that is a regression')
            [CompletionResult]::new('--max-regression', '--max-regression', [CompletionResultType]::ParameterName, 'With --baseline: the smallest significant slowdown that is a regression')
            [CompletionResult]::new('--metric', '--metric', [CompletionResultType]::ParameterName, 'With --baseline: what is compared for Trino queries')
            [CompletionResult]::new('--junit', '--junit', [CompletionResultType]::ParameterName, 'Write the results as JUnit XML to FILE (one test case per query / operation)')
            [CompletionResult]::new('--scale', '--scale', [CompletionResultType]::ParameterName, 'Trino: tpch schema of the built-in query set (tiny, sf1, sf10, …)')
            [CompletionResult]::new('--sql-file', '--sql-file', [CompletionResultType]::ParameterName, 'Trino: run the statements of this file instead (`;`-separated, `-- name: X` names the next)')
            [CompletionResult]::new('--trino-url', '--trino-url', [CompletionResultType]::ParameterName, 'Trino: the coordinator''s URL (default: port-forward to the coordinator pod over the API server)')
            [CompletionResult]::new('--trino-user', '--trino-user', [CompletionResultType]::ParameterName, 'Trino: the user queries run as (X-Trino-User)')
            [CompletionResult]::new('--trino-password-file', '--trino-password-file', [CompletionResultType]::ParameterName, 'Trino: read the password from this file (HTTP basic authentication)')
            [CompletionResult]::new('--trino-password-env', '--trino-password-env', [CompletionResultType]::ParameterName, 'Trino: read the password from this environment variable')
            [CompletionResult]::new('--bucket-claim', '--bucket-claim', [CompletionResultType]::ParameterName, 'Storage: the ObjectBucketClaim whose bucket and credentials to use (default: the only Bound claim)')
            [CompletionResult]::new('--object-size', '--object-size', [CompletionResultType]::ParameterName, 'Storage: object sizes, comma-separated (from --multipart-threshold up, uploaded in parts)')
            [CompletionResult]::new('--multipart-threshold', '--multipart-threshold', [CompletionResultType]::ParameterName, 'Storage: objects of this size or larger are written as multipart uploads of 8MiB parts, as S3A and Trino write large files')
            [CompletionResult]::new('--s3-endpoint', '--s3-endpoint', [CompletionResultType]::ParameterName, 'Storage: use this S3 endpoint instead of the claim''s BUCKET_HOST:BUCKET_PORT')
            [CompletionResult]::new('--spark-app', '--spark-app', [CompletionResultType]::ParameterName, 'Spark: submit this SparkApplication manifest (default: a built-in SparkPi template)')
            [CompletionResult]::new('--spark-image', '--spark-image', [CompletionResultType]::ParameterName, 'Spark: image of the built-in template')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'User to impersonate')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a CA certificate file for the API server')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for the API server')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)')
            [CompletionResult]::new('--allow-missing', '--allow-missing', [CompletionResultType]::ParameterName, 'Exit 0 or 1 even when something was not measured (a suite skipped, a query the baseline has)')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'Spark: summarise recent SparkApplications (durations, failure rate) instead of submitting')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the API server''s certificate (insecure)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Do not print table headers (as kubectl)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-dp;perf;compare' {
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'The smallest significant slowdown that is a regression')
            [CompletionResult]::new('--max-regression', '--max-regression', [CompletionResultType]::ParameterName, 'The smallest significant slowdown that is a regression')
            [CompletionResult]::new('--metric', '--metric', [CompletionResultType]::ParameterName, 'What is compared for Trino queries')
            [CompletionResult]::new('--junit', '--junit', [CompletionResultType]::ParameterName, 'Write the comparison as JUnit XML to FILE (one test case per measurement)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'User to impersonate')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a CA certificate file for the API server')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for the API server')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The API server''s address')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)')
            [CompletionResult]::new('--allow-missing', '--allow-missing', [CompletionResultType]::ParameterName, 'Exit 0 or 1 even when a measurement of OLD is missing from NEW or has too few runs')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the API server''s certificate (insecure)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, at kubectl''s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Do not print table headers (as kubectl)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-dp;perf;help' {
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run the suites and report (and save) the figures')
            [CompletionResult]::new('compare', 'compare', [CompletionResultType]::ParameterValue, 'Compare two saved reports: change per query and whether it is significant')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-dp;perf;help;run' {
            break
        }
        'kubectl-dp;perf;help;compare' {
            break
        }
        'kubectl-dp;perf;help;help' {
            break
        }
        'kubectl-dp;version' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kubectl-dp;completion' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kubectl-dp;help' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the health of the data platform: Trino, Nessie, Postgres, Spark, buckets, secrets, and GitOps/security compliance, with a fix for every finding')
            [CompletionResult]::new('tune', 'tune', [CompletionResultType]::ParameterValue, 'Memory-safe JVM, Trino, Iceberg and Spark settings: see the plan with its reasons, apply it (with a backup), roll it back')
            [CompletionResult]::new('quota', 'quota', [CompletionResultType]::ParameterValue, 'Show ResourceQuota and LimitRange usage and the nodes'' allocatable against what the pods ask for; `check` tells whether manifests would fit')
            [CompletionResult]::new('buckets', 'buckets', [CompletionResultType]::ParameterValue, 'Rook-Ceph ObjectBucketClaims with lifecycle policies: list, create, describe, check against S3, delete without losing data by accident')
            [CompletionResult]::new('perf', 'perf', [CompletionResultType]::ParameterValue, 'Measure the data platform: Trino query latency, Spark job time, S3 throughput and resource use; compare against a saved baseline')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'print the suite''s version')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'shell completion: a script for bash|zsh|fish|powershell, or `install` for kubectl')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-dp;help;status' {
            break
        }
        'kubectl-dp;help;tune' {
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Show what should change, with the rule and the numbers behind each change')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Apply the plan (server-side apply, field manager kubectl-dp, never forced) after a backup')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Restore what the last apply changed; refuses when it was edited since (see --force)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write the plan''s result for Git: kustomize files or Trino chart values')
            break
        }
        'kubectl-dp;help;tune;plan' {
            break
        }
        'kubectl-dp;help;tune;apply' {
            break
        }
        'kubectl-dp;help;tune;rollback' {
            break
        }
        'kubectl-dp;help;tune;export' {
            break
        }
        'kubectl-dp;help;quota' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Would applying these manifests fit the quotas, the LimitRange and the nodes?')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Propose a ResourceQuota and LimitRange for the namespace (YAML; --apply to apply)')
            break
        }
        'kubectl-dp;help;quota;check' {
            break
        }
        'kubectl-dp;help;quota;plan' {
            break
        }
        'kubectl-dp;help;buckets' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List claims with phase, bucket, quota, lifecycle and warnings')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create (server-side apply, after a diff and a confirmation) or print a claim with a lifecycle policy')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'Everything about one claim')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Talk S3 to the bucket with the claim''s own credentials')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a claim, refusing while its bucket holds data or pods use it')
            break
        }
        'kubectl-dp;help;buckets;list' {
            break
        }
        'kubectl-dp;help;buckets;create' {
            break
        }
        'kubectl-dp;help;buckets;describe' {
            break
        }
        'kubectl-dp;help;buckets;check' {
            break
        }
        'kubectl-dp;help;buckets;delete' {
            break
        }
        'kubectl-dp;help;perf' {
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run the suites and report (and save) the figures')
            [CompletionResult]::new('compare', 'compare', [CompletionResultType]::ParameterValue, 'Compare two saved reports: change per query and whether it is significant')
            break
        }
        'kubectl-dp;help;perf;run' {
            break
        }
        'kubectl-dp;help;perf;compare' {
            break
        }
        'kubectl-dp;help;version' {
            break
        }
        'kubectl-dp;help;completion' {
            break
        }
        'kubectl-dp;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
