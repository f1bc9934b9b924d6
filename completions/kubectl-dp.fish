# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kubectl_dp_global_optspecs
    string join \n h/help V/version
end

function __fish_kubectl_dp_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kubectl_dp_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kubectl_dp_using_subcommand
    set -l cmd (__fish_kubectl_dp_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kubectl-dp -n "__fish_kubectl_dp_needs_command" -s h -l help -d 'Print help'
complete -c kubectl-dp -n "__fish_kubectl_dp_needs_command" -s V -l version -d 'Print version'
complete -c kubectl-dp -n "__fish_kubectl_dp_needs_command" -f -a "status" -d 'Show the health of the data platform: Trino, Nessie, Postgres, Spark, buckets, secrets, and GitOps/security compliance, with a fix for every finding'
complete -c kubectl-dp -n "__fish_kubectl_dp_needs_command" -f -a "tune" -d 'Memory-safe JVM, Trino, Iceberg and Spark settings: see the plan with its reasons, apply it (with a backup), roll it back'
complete -c kubectl-dp -n "__fish_kubectl_dp_needs_command" -f -a "quota" -d 'Show ResourceQuota and LimitRange usage and the nodes\' allocatable against what the pods ask for; `check` tells whether manifests would fit'
complete -c kubectl-dp -n "__fish_kubectl_dp_needs_command" -f -a "buckets" -d 'Rook-Ceph ObjectBucketClaims with lifecycle policies: list, create, describe, check against S3, delete without losing data by accident'
complete -c kubectl-dp -n "__fish_kubectl_dp_needs_command" -f -a "perf" -d 'Measure the data platform: Trino query latency, Spark job time, S3 throughput and resource use; compare against a saved baseline'
complete -c kubectl-dp -n "__fish_kubectl_dp_needs_command" -f -a "version" -d 'print the suite\'s version'
complete -c kubectl-dp -n "__fish_kubectl_dp_needs_command" -f -a "completion" -d 'shell completion: a script for bash|zsh|fish|powershell, or `install` for kubectl'
complete -c kubectl-dp -n "__fish_kubectl_dp_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand status" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand status" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand status" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand status" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand status" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand status" -l as -d 'User to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand status" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand status" -l as-uid -d 'UID to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand status" -l request-timeout -d 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand status" -l certificate-authority -d 'Path to a CA certificate file for the API server' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand status" -l token -d 'Bearer token for the API server' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand status" -s s -l server -d 'The API server\'s address' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand status" -s o -l output -d 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand status" -l color -d 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)' -r -f -a "auto\t'Colour only when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand status" -l fail-on -d 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)' -r -f -a "ok\t'Checked and fine (never fails a command)'
info\t'Worth knowing; fails only with `--fail-on info`'
warning\t'Degraded or risky: fix soon'
critical\t'Broken now, or will break: fix first'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand status" -l namespace-selector -d 'With -A: cover the namespaces whose labels match this selector (`team=data,env in (prod)`) instead of those holding platform components' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand status" -l interval -d 'How often --watch reads again' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand status" -l operator-namespace -d 'Namespace of the Rook operator (where rook-ceph-operator-config says which bucket settings it accepts)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand status" -l trino-url -d 'The coordinator\'s HTTP URL for --probe (default: port-forward to its pod)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand status" -l log-lines -d 'How many of a crashed container\'s last lines to show under its finding (from its previous run, as `kubectl logs --previous`); 0 reads no logs' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand status" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand status" -l insecure-skip-tls-verify -d 'Do not verify the API server\'s certificate (insecure)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand status" -s v -l verbose -d 'Say more on stderr, at kubectl\'s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand status" -l no-headers -d 'Do not print table headers (as kubectl)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand status" -s w -l watch -d 'Keep running and redraw when what the report says changes (Ctrl-C ends it)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand status" -l probe -d 'Also ask the Trino coordinator what it sees (version, starting, registered workers, loaded catalogs) and compare it with the cluster: at --trino-url, else through a port-forward over the API server to a coordinator pod'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand status" -s V -l version -d 'Print version'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and not __fish_seen_subcommand_from plan apply rollback export help" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and not __fish_seen_subcommand_from plan apply rollback export help" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and not __fish_seen_subcommand_from plan apply rollback export help" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and not __fish_seen_subcommand_from plan apply rollback export help" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and not __fish_seen_subcommand_from plan apply rollback export help" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and not __fish_seen_subcommand_from plan apply rollback export help" -l as -d 'User to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and not __fish_seen_subcommand_from plan apply rollback export help" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and not __fish_seen_subcommand_from plan apply rollback export help" -l as-uid -d 'UID to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and not __fish_seen_subcommand_from plan apply rollback export help" -l request-timeout -d 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and not __fish_seen_subcommand_from plan apply rollback export help" -l certificate-authority -d 'Path to a CA certificate file for the API server' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and not __fish_seen_subcommand_from plan apply rollback export help" -l token -d 'Bearer token for the API server' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and not __fish_seen_subcommand_from plan apply rollback export help" -s s -l server -d 'The API server\'s address' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and not __fish_seen_subcommand_from plan apply rollback export help" -s o -l output -d 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and not __fish_seen_subcommand_from plan apply rollback export help" -l color -d 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)' -r -f -a "auto\t'Colour only when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and not __fish_seen_subcommand_from plan apply rollback export help" -l fail-on -d 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)' -r -f -a "ok\t'Checked and fine (never fails a command)'
info\t'Worth knowing; fails only with `--fail-on info`'
warning\t'Degraded or risky: fix soon'
critical\t'Broken now, or will break: fix first'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and not __fish_seen_subcommand_from plan apply rollback export help" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and not __fish_seen_subcommand_from plan apply rollback export help" -l insecure-skip-tls-verify -d 'Do not verify the API server\'s certificate (insecure)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and not __fish_seen_subcommand_from plan apply rollback export help" -s v -l verbose -d 'Say more on stderr, at kubectl\'s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and not __fish_seen_subcommand_from plan apply rollback export help" -l no-headers -d 'Do not print table headers (as kubectl)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and not __fish_seen_subcommand_from plan apply rollback export help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and not __fish_seen_subcommand_from plan apply rollback export help" -s V -l version -d 'Print version'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and not __fish_seen_subcommand_from plan apply rollback export help" -f -a "plan" -d 'Show what should change, with the rule and the numbers behind each change'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and not __fish_seen_subcommand_from plan apply rollback export help" -f -a "apply" -d 'Apply the plan (server-side apply, field manager kubectl-dp, never forced) after a backup'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and not __fish_seen_subcommand_from plan apply rollback export help" -f -a "rollback" -d 'Restore what the last apply changed; refuses when it was edited since (see --force)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and not __fish_seen_subcommand_from plan apply rollback export help" -f -a "export" -d 'Write the plan\'s result for Git: kustomize files or Trino chart values'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and not __fish_seen_subcommand_from plan apply rollback export help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from plan" -l profile -d 'How hard to push: balanced fixes what is wrong; throughput also enables optional speed-ups' -r -f -a "balanced\t'Fix what is wrong; heap at 80% of the container limit'
throughput\t'Also switch on optional speed-ups; heap at 85%, more query memory per node'
low-memory\t'Heap at 75%, less query memory per node'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from plan" -l workers -d 'Number of Trino workers' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from plan" -l worker-memory -d 'Container memory of each worker (requests = limits), e.g. 28Gi' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from plan" -l coordinator-memory -d 'Container memory of the coordinator, e.g. 10Gi' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from plan" -l budget -d 'Memory for all Trino pods together; sizes the workers when --worker-memory is not given' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from plan" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from plan" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from plan" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from plan" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from plan" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from plan" -l as -d 'User to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from plan" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from plan" -l as-uid -d 'UID to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from plan" -l request-timeout -d 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from plan" -l certificate-authority -d 'Path to a CA certificate file for the API server' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from plan" -l token -d 'Bearer token for the API server' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from plan" -s s -l server -d 'The API server\'s address' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from plan" -s o -l output -d 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from plan" -l color -d 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)' -r -f -a "auto\t'Colour only when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from plan" -l fail-on -d 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)' -r -f -a "ok\t'Checked and fine (never fails a command)'
info\t'Worth knowing; fails only with `--fail-on info`'
warning\t'Degraded or risky: fix soon'
critical\t'Broken now, or will break: fix first'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from plan" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from plan" -l insecure-skip-tls-verify -d 'Do not verify the API server\'s certificate (insecure)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from plan" -s v -l verbose -d 'Say more on stderr, at kubectl\'s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from plan" -l no-headers -d 'Do not print table headers (as kubectl)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from plan" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from apply" -l profile -d 'How hard to push (see `tune plan --help`)' -r -f -a "balanced\t'Fix what is wrong; heap at 80% of the container limit'
throughput\t'Also switch on optional speed-ups; heap at 85%, more query memory per node'
low-memory\t'Heap at 75%, less query memory per node'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from apply" -l dry-run -d '`server`: show the diff and send every write as a server-side dry run; nothing is persisted' -r -f -a "none\t'Do not dry-run: write (after the diff and the confirmation)'
server\t'Send every write to the API server as a dry run (validation, admission); persist nothing'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from apply" -l timeout -d 'How long --restart waits' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from apply" -l workers -d 'Number of Trino workers' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from apply" -l worker-memory -d 'Container memory of each worker (requests = limits), e.g. 28Gi' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from apply" -l coordinator-memory -d 'Container memory of the coordinator, e.g. 10Gi' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from apply" -l budget -d 'Memory for all Trino pods together; sizes the workers when --worker-memory is not given' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from apply" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from apply" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from apply" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from apply" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from apply" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from apply" -l as -d 'User to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from apply" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from apply" -l as-uid -d 'UID to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from apply" -l request-timeout -d 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from apply" -l certificate-authority -d 'Path to a CA certificate file for the API server' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from apply" -l token -d 'Bearer token for the API server' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from apply" -s s -l server -d 'The API server\'s address' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from apply" -s o -l output -d 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from apply" -l color -d 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)' -r -f -a "auto\t'Colour only when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from apply" -l fail-on -d 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)' -r -f -a "ok\t'Checked and fine (never fails a command)'
info\t'Worth knowing; fails only with `--fail-on info`'
warning\t'Degraded or risky: fix soon'
critical\t'Broken now, or will break: fix first'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from apply" -s y -l yes -d 'Do not ask for confirmation (needed without a terminal)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from apply" -l force-conflicts -d 'Take fields another field manager (Flux, Argo CD, kubectl edit) owns; without it such a conflict stops the apply'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from apply" -l restart -d 'Roll the Trino Deployments whose ConfigMaps changed and wait until they are ready'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from apply" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from apply" -l insecure-skip-tls-verify -d 'Do not verify the API server\'s certificate (insecure)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from apply" -s v -l verbose -d 'Say more on stderr, at kubectl\'s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from apply" -l no-headers -d 'Do not print table headers (as kubectl)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from apply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from rollback" -l dry-run -d '`server`: show the diff and send every write as a server-side dry run; nothing is persisted' -r -f -a "none\t'Do not dry-run: write (after the diff and the confirmation)'
server\t'Send every write to the API server as a dry run (validation, admission); persist nothing'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from rollback" -l backup -d 'The backup to restore (default: the latest kubectl-dp-tune-backup-*)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from rollback" -l timeout -d 'How long --restart waits' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from rollback" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from rollback" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from rollback" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from rollback" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from rollback" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from rollback" -l as -d 'User to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from rollback" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from rollback" -l as-uid -d 'UID to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from rollback" -l request-timeout -d 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from rollback" -l certificate-authority -d 'Path to a CA certificate file for the API server' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from rollback" -l token -d 'Bearer token for the API server' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from rollback" -s s -l server -d 'The API server\'s address' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from rollback" -s o -l output -d 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from rollback" -l color -d 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)' -r -f -a "auto\t'Colour only when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from rollback" -l fail-on -d 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)' -r -f -a "ok\t'Checked and fine (never fails a command)'
info\t'Worth knowing; fails only with `--fail-on info`'
warning\t'Degraded or risky: fix soon'
critical\t'Broken now, or will break: fix first'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from rollback" -s y -l yes -d 'Do not ask for confirmation (needed without a terminal)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from rollback" -l force -d 'Restore even over changes made since the apply (they are shown, then lost), taking fields other field managers own'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from rollback" -l restart -d 'Roll the Trino Deployments whose ConfigMaps are restored and wait until they are ready'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from rollback" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from rollback" -l insecure-skip-tls-verify -d 'Do not verify the API server\'s certificate (insecure)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from rollback" -s v -l verbose -d 'Say more on stderr, at kubectl\'s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from rollback" -l no-headers -d 'Do not print table headers (as kubectl)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from rollback" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from export" -l profile -d 'How hard to push (see `tune plan --help`)' -r -f -a "balanced\t'Fix what is wrong; heap at 80% of the container limit'
throughput\t'Also switch on optional speed-ups; heap at 85%, more query memory per node'
low-memory\t'Heap at 75%, less query memory per node'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from export" -l dir -d 'Directory to write into (created if missing)' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from export" -l format -d 'What to write' -r -f -a "kustomize\t'A kustomization (ConfigMap generators over the tuned files, SparkApplications) for `kubectl apply -k`'
helm-values\t'values.yaml for the trinodb/charts Trino chart'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from export" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from export" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from export" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from export" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from export" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from export" -l as -d 'User to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from export" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from export" -l as-uid -d 'UID to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from export" -l request-timeout -d 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from export" -l certificate-authority -d 'Path to a CA certificate file for the API server' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from export" -l token -d 'Bearer token for the API server' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from export" -s s -l server -d 'The API server\'s address' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from export" -s o -l output -d 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from export" -l color -d 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)' -r -f -a "auto\t'Colour only when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from export" -l fail-on -d 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)' -r -f -a "ok\t'Checked and fine (never fails a command)'
info\t'Worth knowing; fails only with `--fail-on info`'
warning\t'Degraded or risky: fix soon'
critical\t'Broken now, or will break: fix first'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from export" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from export" -l insecure-skip-tls-verify -d 'Do not verify the API server\'s certificate (insecure)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from export" -s v -l verbose -d 'Say more on stderr, at kubectl\'s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from export" -l no-headers -d 'Do not print table headers (as kubectl)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from help" -f -a "plan" -d 'Show what should change, with the rule and the numbers behind each change'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from help" -f -a "apply" -d 'Apply the plan (server-side apply, field manager kubectl-dp, never forced) after a backup'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from help" -f -a "rollback" -d 'Restore what the last apply changed; refuses when it was edited since (see --force)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from help" -f -a "export" -d 'Write the plan\'s result for Git: kustomize files or Trino chart values'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand tune; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and not __fish_seen_subcommand_from check plan help" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and not __fish_seen_subcommand_from check plan help" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and not __fish_seen_subcommand_from check plan help" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and not __fish_seen_subcommand_from check plan help" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and not __fish_seen_subcommand_from check plan help" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and not __fish_seen_subcommand_from check plan help" -l as -d 'User to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and not __fish_seen_subcommand_from check plan help" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and not __fish_seen_subcommand_from check plan help" -l as-uid -d 'UID to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and not __fish_seen_subcommand_from check plan help" -l request-timeout -d 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and not __fish_seen_subcommand_from check plan help" -l certificate-authority -d 'Path to a CA certificate file for the API server' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and not __fish_seen_subcommand_from check plan help" -l token -d 'Bearer token for the API server' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and not __fish_seen_subcommand_from check plan help" -s s -l server -d 'The API server\'s address' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and not __fish_seen_subcommand_from check plan help" -s o -l output -d 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and not __fish_seen_subcommand_from check plan help" -l color -d 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)' -r -f -a "auto\t'Colour only when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and not __fish_seen_subcommand_from check plan help" -l fail-on -d 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)' -r -f -a "ok\t'Checked and fine (never fails a command)'
info\t'Worth knowing; fails only with `--fail-on info`'
warning\t'Degraded or risky: fix soon'
critical\t'Broken now, or will break: fix first'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and not __fish_seen_subcommand_from check plan help" -l by -d 'Break the node view down by node, namespace, platform component or pod' -r -f -a "node\t'One row per node, against its own allocatable'
namespace\t'One row per namespace'
component\t'Trino coordinator/workers, Spark drivers/executors, Nessie, Postgres, other'
pod\t'One row per pod'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and not __fish_seen_subcommand_from check plan help" -s l -l selector -d 'Only the ResourceQuotas and LimitRanges with these labels (kubectl\'s label selector, e.g. team=data); the node view still counts every pod' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and not __fish_seen_subcommand_from check plan help" -l node-selector -d 'Only the nodes whose labels match (a node pool: `pool=trino`); the node view then counts only the pods scheduled on them' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and not __fish_seen_subcommand_from check plan help" -l interval -d 'How often --watch reads again' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and not __fish_seen_subcommand_from check plan help" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and not __fish_seen_subcommand_from check plan help" -l insecure-skip-tls-verify -d 'Do not verify the API server\'s certificate (insecure)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and not __fish_seen_subcommand_from check plan help" -s v -l verbose -d 'Say more on stderr, at kubectl\'s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and not __fish_seen_subcommand_from check plan help" -l no-headers -d 'Do not print table headers (as kubectl)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and not __fish_seen_subcommand_from check plan help" -s u -l usage -d 'Also show what pods use now (metrics.k8s.io, from metrics-server) against their requests and limits, per node, namespace and pod'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and not __fish_seen_subcommand_from check plan help" -s w -l watch -d 'Keep running and redraw when what the report says changes (Ctrl-C ends it)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and not __fish_seen_subcommand_from check plan help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and not __fish_seen_subcommand_from check plan help" -s V -l version -d 'Print version'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and not __fish_seen_subcommand_from check plan help" -f -a "check" -d 'Would applying these manifests fit the quotas, the LimitRange and the nodes?'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and not __fish_seen_subcommand_from check plan help" -f -a "plan" -d 'Propose a ResourceQuota and LimitRange for the namespace (YAML; --apply to apply)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and not __fish_seen_subcommand_from check plan help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from check" -s f -l filename -d 'Manifest file, directory (read recursively) or - for stdin (repeatable)' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from check" -s k -l kustomize -d 'Kustomization directory, built with `kubectl kustomize` ($KUBECTL or kubectl on PATH)' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from check" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from check" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from check" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from check" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from check" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from check" -l as -d 'User to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from check" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from check" -l as-uid -d 'UID to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from check" -l request-timeout -d 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from check" -l certificate-authority -d 'Path to a CA certificate file for the API server' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from check" -l token -d 'Bearer token for the API server' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from check" -s s -l server -d 'The API server\'s address' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from check" -s o -l output -d 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from check" -l color -d 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)' -r -f -a "auto\t'Colour only when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from check" -l fail-on -d 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)' -r -f -a "ok\t'Checked and fine (never fails a command)'
info\t'Worth knowing; fails only with `--fail-on info`'
warning\t'Degraded or risky: fix soon'
critical\t'Broken now, or will break: fix first'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from check" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from check" -l insecure-skip-tls-verify -d 'Do not verify the API server\'s certificate (insecure)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from check" -s v -l verbose -d 'Say more on stderr, at kubectl\'s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from check" -l no-headers -d 'Do not print table headers (as kubectl)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from plan" -l memory -d 'The namespace\'s memory budget (quota requests.memory and limits.memory)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from plan" -l cpu -d 'The namespace\'s CPU budget (quota requests.cpu and limits.cpu)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from plan" -l headroom -d 'Headroom in percent over the largest container now, for the LimitRange maximum and the pod count' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from plan" -l dry-run -d 'server: ask the API server what it would do, without changing anything' -r -f -a "none\t'Apply for real (with --apply)'
client\t'Only print the YAML (the default without --apply)'
server\t'Send to the API server as a dry run: validation and admission, no change'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from plan" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from plan" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from plan" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from plan" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from plan" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from plan" -l as -d 'User to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from plan" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from plan" -l as-uid -d 'UID to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from plan" -l request-timeout -d 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from plan" -l certificate-authority -d 'Path to a CA certificate file for the API server' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from plan" -l token -d 'Bearer token for the API server' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from plan" -s s -l server -d 'The API server\'s address' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from plan" -s o -l output -d 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from plan" -l color -d 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)' -r -f -a "auto\t'Colour only when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from plan" -l fail-on -d 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)' -r -f -a "ok\t'Checked and fine (never fails a command)'
info\t'Worth knowing; fails only with `--fail-on info`'
warning\t'Degraded or risky: fix soon'
critical\t'Broken now, or will break: fix first'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from plan" -l apply -d 'Server-side apply the proposal (field manager kubectl-dp) after showing the diff'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from plan" -s y -l yes -d 'With --apply: do not ask for confirmation (needed without a terminal)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from plan" -l force-conflicts -d 'With --apply: take fields another field manager (Flux, Argo CD, kubectl) owns'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from plan" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from plan" -l insecure-skip-tls-verify -d 'Do not verify the API server\'s certificate (insecure)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from plan" -s v -l verbose -d 'Say more on stderr, at kubectl\'s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from plan" -l no-headers -d 'Do not print table headers (as kubectl)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from plan" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from help" -f -a "check" -d 'Would applying these manifests fit the quotas, the LimitRange and the nodes?'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from help" -f -a "plan" -d 'Propose a ResourceQuota and LimitRange for the namespace (YAML; --apply to apply)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand quota; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and not __fish_seen_subcommand_from list create describe check delete help" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and not __fish_seen_subcommand_from list create describe check delete help" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and not __fish_seen_subcommand_from list create describe check delete help" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and not __fish_seen_subcommand_from list create describe check delete help" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and not __fish_seen_subcommand_from list create describe check delete help" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and not __fish_seen_subcommand_from list create describe check delete help" -l as -d 'User to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and not __fish_seen_subcommand_from list create describe check delete help" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and not __fish_seen_subcommand_from list create describe check delete help" -l as-uid -d 'UID to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and not __fish_seen_subcommand_from list create describe check delete help" -l request-timeout -d 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and not __fish_seen_subcommand_from list create describe check delete help" -l certificate-authority -d 'Path to a CA certificate file for the API server' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and not __fish_seen_subcommand_from list create describe check delete help" -l token -d 'Bearer token for the API server' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and not __fish_seen_subcommand_from list create describe check delete help" -s s -l server -d 'The API server\'s address' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and not __fish_seen_subcommand_from list create describe check delete help" -s o -l output -d 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and not __fish_seen_subcommand_from list create describe check delete help" -l color -d 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)' -r -f -a "auto\t'Colour only when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and not __fish_seen_subcommand_from list create describe check delete help" -l fail-on -d 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)' -r -f -a "ok\t'Checked and fine (never fails a command)'
info\t'Worth knowing; fails only with `--fail-on info`'
warning\t'Degraded or risky: fix soon'
critical\t'Broken now, or will break: fix first'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and not __fish_seen_subcommand_from list create describe check delete help" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and not __fish_seen_subcommand_from list create describe check delete help" -l insecure-skip-tls-verify -d 'Do not verify the API server\'s certificate (insecure)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and not __fish_seen_subcommand_from list create describe check delete help" -s v -l verbose -d 'Say more on stderr, at kubectl\'s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and not __fish_seen_subcommand_from list create describe check delete help" -l no-headers -d 'Do not print table headers (as kubectl)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and not __fish_seen_subcommand_from list create describe check delete help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and not __fish_seen_subcommand_from list create describe check delete help" -s V -l version -d 'Print version'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and not __fish_seen_subcommand_from list create describe check delete help" -f -a "list" -d 'List claims with phase, bucket, quota, lifecycle and warnings'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and not __fish_seen_subcommand_from list create describe check delete help" -f -a "create" -d 'Create (server-side apply, after a diff and a confirmation) or print a claim with a lifecycle policy'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and not __fish_seen_subcommand_from list create describe check delete help" -f -a "describe" -d 'Everything about one claim'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and not __fish_seen_subcommand_from list create describe check delete help" -f -a "check" -d 'Talk S3 to the bucket with the claim\'s own credentials'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and not __fish_seen_subcommand_from list create describe check delete help" -f -a "delete" -d 'Delete a claim, refusing while its bucket holds data or pods use it'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and not __fish_seen_subcommand_from list create describe check delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from list" -l operator-namespace -d 'Namespace of the Rook operator (for rook-ceph-operator-config)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from list" -s l -l selector -d 'Only claims with these labels (kubectl\'s label selector, e.g. team=data,tier!=test)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from list" -l interval -d 'How often --watch reads again' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from list" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from list" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from list" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from list" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from list" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from list" -l as -d 'User to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from list" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from list" -l as-uid -d 'UID to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from list" -l request-timeout -d 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from list" -l certificate-authority -d 'Path to a CA certificate file for the API server' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from list" -l token -d 'Bearer token for the API server' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from list" -s s -l server -d 'The API server\'s address' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from list" -l color -d 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)' -r -f -a "auto\t'Colour only when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from list" -l fail-on -d 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)' -r -f -a "ok\t'Checked and fine (never fails a command)'
info\t'Worth knowing; fails only with `--fail-on info`'
warning\t'Degraded or risky: fix soon'
critical\t'Broken now, or will break: fix first'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from list" -s w -l watch -d 'Keep running and redraw when what the report says changes (Ctrl-C ends it)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from list" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from list" -l insecure-skip-tls-verify -d 'Do not verify the API server\'s certificate (insecure)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more on stderr, at kubectl\'s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from list" -l no-headers -d 'Do not print table headers (as kubectl)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from create" -l storage-class -d 'StorageClass of the Rook object store' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from create" -l lifecycle -d 'Lifecycle preset' -r -f -a "analytics\t'Analytics data: keep objects, abort stale multipart uploads after 1 day, drop old versions after 7 days'
test\t'Test data: expire objects after 7 days, abort stale multipart uploads after 1 day'
none\t'No lifecycle rules'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from create" -l expire-days -d 'Expire objects after N days' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from create" -l abort-multipart-days -d 'Abort incomplete multipart uploads after N days' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from create" -l noncurrent-expire-days -d 'Expire noncurrent object versions after N days' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from create" -l max-size -d 'Bucket quota in bytes (e.g. 100Gi)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from create" -l max-objects -d 'Bucket quota in objects' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from create" -l dry-run -d '`server`: show the diff and send every write as a server-side dry run; nothing is persisted' -r -f -a "none\t'Do not dry-run: write (after the diff and the confirmation)'
server\t'Send every write to the API server as a dry run (validation, admission); persist nothing'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from create" -l timeout -d 'How long --wait waits' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from create" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from create" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from create" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from create" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from create" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from create" -l as -d 'User to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from create" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from create" -l as-uid -d 'UID to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from create" -l request-timeout -d 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from create" -l certificate-authority -d 'Path to a CA certificate file for the API server' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from create" -l token -d 'Bearer token for the API server' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from create" -s s -l server -d 'The API server\'s address' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from create" -s o -l output -d 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from create" -l color -d 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)' -r -f -a "auto\t'Colour only when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from create" -l fail-on -d 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)' -r -f -a "ok\t'Checked and fine (never fails a command)'
info\t'Worth knowing; fails only with `--fail-on info`'
warning\t'Degraded or risky: fix soon'
critical\t'Broken now, or will break: fix first'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from create" -l generate-name -d 'Treat NAME as a prefix and let the API server add a suffix'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from create" -s y -l yes -d 'Do not ask for confirmation (needed without a terminal)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from create" -l update -d 'Change the claim when it exists already (never its storage class or bucket name once Bound)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from create" -l force-conflicts -d 'Take fields another field manager (Flux, Argo CD, kubectl edit) owns'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from create" -l wait -d 'Wait until the claim is Bound'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from create" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from create" -l insecure-skip-tls-verify -d 'Do not verify the API server\'s certificate (insecure)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from create" -s v -l verbose -d 'Say more on stderr, at kubectl\'s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from create" -l no-headers -d 'Do not print table headers (as kubectl)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from describe" -l operator-namespace -d 'Namespace of the Rook operator (for rook-ceph-operator-config)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from describe" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from describe" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from describe" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from describe" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from describe" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from describe" -l as -d 'User to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from describe" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from describe" -l as-uid -d 'UID to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from describe" -l request-timeout -d 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from describe" -l certificate-authority -d 'Path to a CA certificate file for the API server' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from describe" -l token -d 'Bearer token for the API server' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from describe" -s s -l server -d 'The API server\'s address' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from describe" -s o -l output -d 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from describe" -l color -d 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)' -r -f -a "auto\t'Colour only when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from describe" -l fail-on -d 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)' -r -f -a "ok\t'Checked and fine (never fails a command)'
info\t'Worth knowing; fails only with `--fail-on info`'
warning\t'Degraded or risky: fix soon'
critical\t'Broken now, or will break: fix first'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from describe" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from describe" -l insecure-skip-tls-verify -d 'Do not verify the API server\'s certificate (insecure)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from describe" -s v -l verbose -d 'Say more on stderr, at kubectl\'s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from describe" -l no-headers -d 'Do not print table headers (as kubectl)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from describe" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from check" -s l -l selector -d 'With --all: only claims with these labels (kubectl\'s label selector)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from check" -l s3-endpoint -d 'Use this S3 endpoint instead of the claim ConfigMap\'s BUCKET_HOST:BUCKET_PORT' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from check" -l s3-timeout -d 'Timeout of each S3 request' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from check" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from check" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from check" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from check" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from check" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from check" -l as -d 'User to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from check" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from check" -l as-uid -d 'UID to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from check" -l request-timeout -d 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from check" -l certificate-authority -d 'Path to a CA certificate file for the API server' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from check" -l token -d 'Bearer token for the API server' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from check" -s s -l server -d 'The API server\'s address' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from check" -s o -l output -d 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from check" -l color -d 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)' -r -f -a "auto\t'Colour only when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from check" -l fail-on -d 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)' -r -f -a "ok\t'Checked and fine (never fails a command)'
info\t'Worth knowing; fails only with `--fail-on info`'
warning\t'Degraded or risky: fix soon'
critical\t'Broken now, or will break: fix first'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from check" -l all -d 'Check every claim in the namespace (or all with -A)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from check" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from check" -l insecure-skip-tls-verify -d 'Do not verify the API server\'s certificate (insecure)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from check" -s v -l verbose -d 'Say more on stderr, at kubectl\'s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from check" -l no-headers -d 'Do not print table headers (as kubectl)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from delete" -l dry-run -d '`server`: show the diff and send every write as a server-side dry run; nothing is persisted' -r -f -a "none\t'Do not dry-run: write (after the diff and the confirmation)'
server\t'Send every write to the API server as a dry run (validation, admission); persist nothing'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from delete" -l s3-endpoint -d 'Use this S3 endpoint instead of the claim ConfigMap\'s BUCKET_HOST:BUCKET_PORT' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from delete" -l s3-timeout -d 'Timeout of each S3 request' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from delete" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from delete" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from delete" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from delete" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from delete" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from delete" -l as -d 'User to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from delete" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from delete" -l as-uid -d 'UID to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from delete" -l request-timeout -d 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from delete" -l certificate-authority -d 'Path to a CA certificate file for the API server' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from delete" -l token -d 'Bearer token for the API server' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from delete" -s s -l server -d 'The API server\'s address' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from delete" -s o -l output -d 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from delete" -l color -d 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)' -r -f -a "auto\t'Colour only when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from delete" -l fail-on -d 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)' -r -f -a "ok\t'Checked and fine (never fails a command)'
info\t'Worth knowing; fails only with `--fail-on info`'
warning\t'Degraded or risky: fix soon'
critical\t'Broken now, or will break: fix first'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from delete" -l force -d 'Delete even though the bucket holds objects or pods use its credentials'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from delete" -s y -l yes -d 'Do not ask for confirmation (needed without a terminal)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from delete" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from delete" -l insecure-skip-tls-verify -d 'Do not verify the API server\'s certificate (insecure)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'Say more on stderr, at kubectl\'s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from delete" -l no-headers -d 'Do not print table headers (as kubectl)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from help" -f -a "list" -d 'List claims with phase, bucket, quota, lifecycle and warnings'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create (server-side apply, after a diff and a confirmation) or print a claim with a lifecycle policy'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from help" -f -a "describe" -d 'Everything about one claim'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from help" -f -a "check" -d 'Talk S3 to the bucket with the claim\'s own credentials'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a claim, refusing while its bucket holds data or pods use it'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand buckets; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and not __fish_seen_subcommand_from run compare help" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and not __fish_seen_subcommand_from run compare help" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and not __fish_seen_subcommand_from run compare help" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and not __fish_seen_subcommand_from run compare help" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and not __fish_seen_subcommand_from run compare help" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and not __fish_seen_subcommand_from run compare help" -l as -d 'User to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and not __fish_seen_subcommand_from run compare help" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and not __fish_seen_subcommand_from run compare help" -l as-uid -d 'UID to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and not __fish_seen_subcommand_from run compare help" -l request-timeout -d 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and not __fish_seen_subcommand_from run compare help" -l certificate-authority -d 'Path to a CA certificate file for the API server' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and not __fish_seen_subcommand_from run compare help" -l token -d 'Bearer token for the API server' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and not __fish_seen_subcommand_from run compare help" -s s -l server -d 'The API server\'s address' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and not __fish_seen_subcommand_from run compare help" -s o -l output -d 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and not __fish_seen_subcommand_from run compare help" -l color -d 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)' -r -f -a "auto\t'Colour only when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and not __fish_seen_subcommand_from run compare help" -l fail-on -d 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)' -r -f -a "ok\t'Checked and fine (never fails a command)'
info\t'Worth knowing; fails only with `--fail-on info`'
warning\t'Degraded or risky: fix soon'
critical\t'Broken now, or will break: fix first'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and not __fish_seen_subcommand_from run compare help" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and not __fish_seen_subcommand_from run compare help" -l insecure-skip-tls-verify -d 'Do not verify the API server\'s certificate (insecure)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and not __fish_seen_subcommand_from run compare help" -s v -l verbose -d 'Say more on stderr, at kubectl\'s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and not __fish_seen_subcommand_from run compare help" -l no-headers -d 'Do not print table headers (as kubectl)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and not __fish_seen_subcommand_from run compare help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and not __fish_seen_subcommand_from run compare help" -s V -l version -d 'Print version'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and not __fish_seen_subcommand_from run compare help" -f -a "run" -d 'Run the suites and report (and save) the figures'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and not __fish_seen_subcommand_from run compare help" -f -a "compare" -d 'Compare two saved reports: change per query and whether it is significant'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and not __fish_seen_subcommand_from run compare help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l suite -d 'Suites to run, comma-separated (default: every suite whose target the platform has)' -r -f -a "trino\t'Trino query latency through the client protocol'
spark\t'SparkApplication run time (submit a job, or --history)'
storage\t'S3 PUT/GET latency and throughput in a claim\'s bucket'
resources\t'CPU and memory use per component from metrics.k8s.io against requests and limits'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l iterations -d 'Measured rounds: each query (object size, Spark job) runs this many times, queries interleaved' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l warmup -d 'Unmeasured rounds first: auto (until each query\'s timings settle, 6 to 30 rounds) or a number' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l seed -d 'Seed of the per-round query order (default: fresh, recorded in the report)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l concurrency -d 'Clients running at once' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l timeout -d 'Longest one query, S3 request or Spark job may take' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l save -d 'Write the report as JSON to FILE (for a later --baseline or `perf compare`)' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l baseline -d 'Compare against this saved report; exit 1 on a significant regression' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l threshold -l max-regression -d 'With --baseline: the smallest significant slowdown that is a regression' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l metric -d 'With --baseline: what is compared for Trino queries' -r -f -a "cpu\t'Trino\'s CPU time (`cpuTimeMillis`, the work the query took) relative to the yardstick query of the same round, which takes out how fast the machines were; absolute when a report has no yardstick'
cpu-absolute\t'Trino\'s CPU time as it is, for a change that slows every query alike (a Trino release, JVM flags) on a quiet, dedicated machine'
elapsed\t'Trino\'s elapsed time (`elapsedTimeMillis`): what a user waits, including queueing and waiting for CPU, I/O or other tasks'
wall\t'The client\'s wall time: elapsed plus the client, network and polling'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l junit -d 'Write the results as JUnit XML to FILE (one test case per query / operation)' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l scale -d 'Trino: tpch schema of the built-in query set (tiny, sf1, sf10, …)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l sql-file -d 'Trino: run the statements of this file instead (`;`-separated, `-- name: X` names the next)' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l trino-url -d 'Trino: the coordinator\'s URL (default: port-forward to the coordinator pod over the API server)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l trino-user -d 'Trino: the user queries run as (X-Trino-User)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l trino-password-file -d 'Trino: read the password from this file (HTTP basic authentication)' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l trino-password-env -d 'Trino: read the password from this environment variable' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l bucket-claim -d 'Storage: the ObjectBucketClaim whose bucket and credentials to use (default: the only Bound claim)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l object-size -d 'Storage: object sizes, comma-separated (from --multipart-threshold up, uploaded in parts)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l multipart-threshold -d 'Storage: objects of this size or larger are written as multipart uploads of 8MiB parts, as S3A and Trino write large files' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l s3-endpoint -d 'Storage: use this S3 endpoint instead of the claim\'s BUCKET_HOST:BUCKET_PORT' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l spark-app -d 'Spark: submit this SparkApplication manifest (default: a built-in SparkPi template)' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l spark-image -d 'Spark: image of the built-in template' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l as -d 'User to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l as-uid -d 'UID to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l request-timeout -d 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l certificate-authority -d 'Path to a CA certificate file for the API server' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l token -d 'Bearer token for the API server' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -s s -l server -d 'The API server\'s address' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -s o -l output -d 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l color -d 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)' -r -f -a "auto\t'Colour only when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l fail-on -d 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)' -r -f -a "ok\t'Checked and fine (never fails a command)'
info\t'Worth knowing; fails only with `--fail-on info`'
warning\t'Degraded or risky: fix soon'
critical\t'Broken now, or will break: fix first'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l allow-missing -d 'Exit 0 or 1 even when something was not measured (a suite skipped, a query the baseline has)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l history -d 'Spark: summarise recent SparkApplications (durations, failure rate) instead of submitting'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l insecure-skip-tls-verify -d 'Do not verify the API server\'s certificate (insecure)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -s v -l verbose -d 'Say more on stderr, at kubectl\'s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -l no-headers -d 'Do not print table headers (as kubectl)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from compare" -l threshold -l max-regression -d 'The smallest significant slowdown that is a regression' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from compare" -l metric -d 'What is compared for Trino queries' -r -f -a "cpu\t'Trino\'s CPU time (`cpuTimeMillis`, the work the query took) relative to the yardstick query of the same round, which takes out how fast the machines were; absolute when a report has no yardstick'
cpu-absolute\t'Trino\'s CPU time as it is, for a change that slows every query alike (a Trino release, JVM flags) on a quiet, dedicated machine'
elapsed\t'Trino\'s elapsed time (`elapsedTimeMillis`): what a user waits, including queueing and waiting for CPU, I/O or other tasks'
wall\t'The client\'s wall time: elapsed plus the client, network and polling'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from compare" -l junit -d 'Write the comparison as JUnit XML to FILE (one test case per measurement)' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from compare" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from compare" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from compare" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from compare" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from compare" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from compare" -l as -d 'User to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from compare" -l as-group -d 'Group to impersonate (repeatable)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from compare" -l as-uid -d 'UID to impersonate' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from compare" -l request-timeout -d 'How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from compare" -l certificate-authority -d 'Path to a CA certificate file for the API server' -r -F
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from compare" -l token -d 'Bearer token for the API server' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from compare" -s s -l server -d 'The API server\'s address' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from compare" -s o -l output -d 'Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)' -r
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from compare" -l color -d 'When to use colours (auto: only on a terminal, never when NO_COLOR is set)' -r -f -a "auto\t'Colour only when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from compare" -l fail-on -d 'Exit 1 when a finding is at least this severe (default depends on the command: see its help)' -r -f -a "ok\t'Checked and fine (never fails a command)'
info\t'Worth knowing; fails only with `--fail-on info`'
warning\t'Degraded or risky: fix soon'
critical\t'Broken now, or will break: fix first'"
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from compare" -l allow-missing -d 'Exit 0 or 1 even when a measurement of OLD is missing from NEW or has too few runs'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from compare" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from compare" -l insecure-skip-tls-verify -d 'Do not verify the API server\'s certificate (insecure)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from compare" -s v -l verbose -d 'Say more on stderr, at kubectl\'s levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from compare" -l no-headers -d 'Do not print table headers (as kubectl)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from compare" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from help" -f -a "run" -d 'Run the suites and report (and save) the figures'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from help" -f -a "compare" -d 'Compare two saved reports: change per query and whether it is significant'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand perf; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand version" -s h -l help -d 'Print help'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand completion" -s h -l help -d 'Print help'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand help; and not __fish_seen_subcommand_from status tune quota buckets perf version completion help" -f -a "status" -d 'Show the health of the data platform: Trino, Nessie, Postgres, Spark, buckets, secrets, and GitOps/security compliance, with a fix for every finding'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand help; and not __fish_seen_subcommand_from status tune quota buckets perf version completion help" -f -a "tune" -d 'Memory-safe JVM, Trino, Iceberg and Spark settings: see the plan with its reasons, apply it (with a backup), roll it back'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand help; and not __fish_seen_subcommand_from status tune quota buckets perf version completion help" -f -a "quota" -d 'Show ResourceQuota and LimitRange usage and the nodes\' allocatable against what the pods ask for; `check` tells whether manifests would fit'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand help; and not __fish_seen_subcommand_from status tune quota buckets perf version completion help" -f -a "buckets" -d 'Rook-Ceph ObjectBucketClaims with lifecycle policies: list, create, describe, check against S3, delete without losing data by accident'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand help; and not __fish_seen_subcommand_from status tune quota buckets perf version completion help" -f -a "perf" -d 'Measure the data platform: Trino query latency, Spark job time, S3 throughput and resource use; compare against a saved baseline'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand help; and not __fish_seen_subcommand_from status tune quota buckets perf version completion help" -f -a "version" -d 'print the suite\'s version'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand help; and not __fish_seen_subcommand_from status tune quota buckets perf version completion help" -f -a "completion" -d 'shell completion: a script for bash|zsh|fish|powershell, or `install` for kubectl'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand help; and not __fish_seen_subcommand_from status tune quota buckets perf version completion help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand help; and __fish_seen_subcommand_from tune" -f -a "plan" -d 'Show what should change, with the rule and the numbers behind each change'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand help; and __fish_seen_subcommand_from tune" -f -a "apply" -d 'Apply the plan (server-side apply, field manager kubectl-dp, never forced) after a backup'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand help; and __fish_seen_subcommand_from tune" -f -a "rollback" -d 'Restore what the last apply changed; refuses when it was edited since (see --force)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand help; and __fish_seen_subcommand_from tune" -f -a "export" -d 'Write the plan\'s result for Git: kustomize files or Trino chart values'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand help; and __fish_seen_subcommand_from quota" -f -a "check" -d 'Would applying these manifests fit the quotas, the LimitRange and the nodes?'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand help; and __fish_seen_subcommand_from quota" -f -a "plan" -d 'Propose a ResourceQuota and LimitRange for the namespace (YAML; --apply to apply)'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand help; and __fish_seen_subcommand_from buckets" -f -a "list" -d 'List claims with phase, bucket, quota, lifecycle and warnings'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand help; and __fish_seen_subcommand_from buckets" -f -a "create" -d 'Create (server-side apply, after a diff and a confirmation) or print a claim with a lifecycle policy'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand help; and __fish_seen_subcommand_from buckets" -f -a "describe" -d 'Everything about one claim'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand help; and __fish_seen_subcommand_from buckets" -f -a "check" -d 'Talk S3 to the bucket with the claim\'s own credentials'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand help; and __fish_seen_subcommand_from buckets" -f -a "delete" -d 'Delete a claim, refusing while its bucket holds data or pods use it'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand help; and __fish_seen_subcommand_from perf" -f -a "run" -d 'Run the suites and report (and save) the figures'
complete -c kubectl-dp -n "__fish_kubectl_dp_using_subcommand help; and __fish_seen_subcommand_from perf" -f -a "compare" -d 'Compare two saved reports: change per query and whether it is significant'
