//! What an admission refusal says, read from the message a controller
//! records (`FailedCreate: Error creating: pods "x" is forbidden: …`), and the
//! change that answers it: Pod Security admission names each check a pod
//! fails and the field to set; a ValidatingAdmissionPolicy or a validating
//! webhook names itself and its reason. Quota and LimitRange refusals are
//! [`super::admission`]'s.

/// A Pod Security admission refusal: `violates PodSecurity "restricted:latest":
/// check (detail), check (detail), …`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PodSecurityRefusal {
    /// The level and version enforced (`restricted:latest`).
    pub level: String,
    /// What to change, one per failed check, as the message says it
    /// (`container "app" must set securityContext.runAsNonRoot=true`); the
    /// check's name when it gives no detail.
    pub changes: Vec<String>,
}

/// Reads a Pod Security refusal out of a controller's message.
pub(crate) fn pod_security(message: &str) -> Option<PodSecurityRefusal> {
    let rest = message.split("violates PodSecurity \"").nth(1)?;
    let (level, checks) = rest.split_once("\": ")?;
    let changes = top_level_items(checks.lines().next().unwrap_or_default())
        .into_iter()
        .map(|check| match check.split_once(" (") {
            Some((name, detail)) if detail.ends_with(')') => {
                let detail = &detail[..detail.len() - 1];
                if detail.contains(" must ") {
                    detail.to_string()
                } else {
                    format!("{name}: {detail}")
                }
            }
            _ => check.to_string(),
        })
        .collect();
    Some(PodSecurityRefusal {
        level: level.to_string(),
        changes,
    })
}

/// The items of a comma-separated list whose items may hold commas inside
/// parentheses (`containers "a", "b" must set …`).
fn top_level_items(list: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    let bytes = list.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b'(' => depth += 1,
            b')' => depth -= 1,
            b',' if depth == 0 && bytes.get(i + 1) == Some(&b' ') => {
                items.push(list[start..i].trim());
                start = i + 2;
            }
            _ => {}
        }
    }
    items.push(list[start..].trim());
    items.retain(|i| !i.is_empty());
    items
}

/// A refusal by a ValidatingAdmissionPolicy or a validating webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PolicyRefusal {
    /// `ValidatingAdmissionPolicy 'name'` or `admission webhook "name"`.
    pub by: String,
    /// Its reason, as it gave it.
    pub reason: String,
}

/// Reads a policy or webhook refusal: `admission webhook "w.example.com"
/// denied the request: reason`, or `ValidatingAdmissionPolicy 'p' with binding
/// 'b' denied request: reason`.
pub(crate) fn policy(message: &str) -> Option<PolicyRefusal> {
    let line = message.lines().next().unwrap_or_default();
    if let Some(rest) = line.split("admission webhook \"").nth(1) {
        let (name, after) = rest.split_once('"')?;
        let reason = after
            .split_once("denied the request: ")
            .map_or("", |(_, r)| r);
        return Some(PolicyRefusal {
            by: format!("admission webhook \"{name}\""),
            reason: reason.trim().to_string(),
        });
    }
    let rest = line.split("ValidatingAdmissionPolicy '").nth(1)?;
    let (name, after) = rest.split_once('\'')?;
    let reason = after.split_once("denied request: ").map_or("", |(_, r)| r);
    Some(PolicyRefusal {
        by: format!("ValidatingAdmissionPolicy '{name}'"),
        reason: reason.trim().to_string(),
    })
}

/// The fix for a Pod Security, policy or webhook refusal; `None` for other messages.
pub(crate) fn fix(message: &str) -> Option<String> {
    if let Some(refusal) = pod_security(message) {
        return Some(format!(
            "in the pod template, to meet Pod Security \"{}\": {}; or relax the namespace's pod-security.kubernetes.io/enforce label",
            refusal.level,
            refusal.changes.join("; ")
        ));
    }
    let refusal = policy(message)?;
    Some(if refusal.reason.is_empty() {
        format!(
            "{} refuses the pod; fix the pod template or the policy behind it",
            refusal.by
        )
    } else {
        format!(
            "{} refuses the pod ({}): change the pod template to meet it, or the policy behind it",
            refusal.by, refusal.reason
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The message kube-apiserver 1.36 gives the ReplicaSet controller for a
    /// root container in a `restricted` namespace (tests/refusals.rs plants it).
    const ROOT_IN_RESTRICTED: &str = r#"Error creating: pods "rooted-7ffb756c6-p959g" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), runAsUser=0 (container "app" must not set runAsUser=0), seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")"#;

    #[test]
    fn pod_security_names_every_field() {
        let refusal = pod_security(ROOT_IN_RESTRICTED).unwrap();
        assert_eq!(refusal.level, "restricted:latest");
        assert_eq!(
            refusal.changes,
            [
                "container \"app\" must set securityContext.allowPrivilegeEscalation=false",
                "container \"app\" must set securityContext.capabilities.drop=[\"ALL\"]",
                "pod or container \"app\" must set securityContext.runAsNonRoot=true",
                "container \"app\" must not set runAsUser=0",
                "pod or container \"app\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"",
            ]
        );
    }

    /// Several containers in one detail, and checks whose detail is no
    /// `must` (baseline's host namespaces, hostPath volumes).
    #[test]
    fn pod_security_other_forms() {
        let message = r#"pods "x" is forbidden: violates PodSecurity "baseline:v1.36": host namespaces (hostNetwork=true), hostPath volumes (volume "data"), privileged (containers "a", "b" must not set securityContext.privileged=true)"#;
        assert_eq!(
            pod_security(message).unwrap().changes,
            [
                "host namespaces: hostNetwork=true",
                "hostPath volumes: volume \"data\"",
                "containers \"a\", \"b\" must not set securityContext.privileged=true",
            ]
        );
        assert_eq!(pod_security("exceeded quota: q"), None);
    }

    /// A webhook cannot run in the test cluster (it needs a server the API
    /// server calls over TLS): its message form is proven here only.
    #[test]
    fn webhook_and_policy_refusals_quote_their_reason() {
        let webhook = r#"Error creating: admission webhook "require-labels.example.com" denied the request: pods must carry label team"#;
        assert_eq!(
            fix(webhook).unwrap(),
            "admission webhook \"require-labels.example.com\" refuses the pod (pods must carry label team): change the pod template to meet it, or the policy behind it"
        );
        let vap = r#"Error creating: pods "x" is forbidden: ValidatingAdmissionPolicy 'no-latest' with binding 'no-latest' denied request: images must be pinned"#;
        assert_eq!(
            policy(vap).unwrap(),
            PolicyRefusal {
                by: "ValidatingAdmissionPolicy 'no-latest'".into(),
                reason: "images must be pinned".into()
            }
        );
        assert_eq!(fix("exceeded quota: q"), None);
    }
}
