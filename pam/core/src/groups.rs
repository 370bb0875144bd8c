//! `groups = pattern,…`: which users need the second factor.
//!
//! A user needs it when the list is empty, or when one of the user's groups matches a plain
//! pattern and none matches a `!` pattern. A list of only `!` patterns means "everyone but".

use crate::config::GroupPattern;

/// Whether a user in `user_groups` must pass the second factor.
pub fn needs_second_factor(patterns: &[GroupPattern], user_groups: &[String]) -> bool {
    if patterns.is_empty() {
        return true;
    }
    let hit = |negated: bool| {
        patterns.iter().filter(|p| p.negated == negated).any(|p| user_groups.iter().any(|g| glob(&p.glob, g)))
    };
    if hit(true) {
        return false;
    }
    let has_plain = patterns.iter().any(|p| !p.negated);
    !has_plain || hit(false)
}

/// Shell-style match with `*` (any run) and `?` (one character); nothing else is special.
pub fn glob(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ni));
            pi += 1;
        } else if let Some((sp, sn)) = star {
            pi = sp + 1;
            ni = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pats(list: &[&str]) -> Vec<GroupPattern> {
        list.iter()
            .map(|s| match s.strip_prefix('!') {
                Some(g) => GroupPattern { negated: true, glob: g.into() },
                None => GroupPattern { negated: false, glob: (*s).into() },
            })
            .collect()
    }
    fn gs(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn membership_rules() {
        assert!(needs_second_factor(&[], &gs(&["users"])));
        assert!(needs_second_factor(&pats(&["admins"]), &gs(&["users", "admins"])));
        assert!(!needs_second_factor(&pats(&["admins"]), &gs(&["users"])));
        assert!(!needs_second_factor(&pats(&["admins", "!batch"]), &gs(&["admins", "batch"])));
        assert!(!needs_second_factor(&pats(&["!batch"]), &gs(&["batch"])));
        assert!(needs_second_factor(&pats(&["!batch"]), &gs(&["users"])));
        assert!(needs_second_factor(&pats(&["dev*"]), &gs(&["developers"])));
        assert!(!needs_second_factor(&pats(&["dev*"]), &[]));
    }

    #[test]
    fn glob_cases() {
        for (p, n, want) in [
            ("a*b", "ab", true), ("a*b", "axxb", true), ("a*b", "axxbc", false), ("?", "x", true),
            ("?", "", false), ("*", "", true), ("a", "A", false), ("*x*", "abxcd", true), ("a?c", "abbc", false),
        ] {
            assert_eq!(glob(p, n), want, "{p} {n}");
        }
    }

    proptest! {
        // Without wildcards a pattern matches exactly itself.
        #[test]
        fn literal_patterns_match_only_themselves(p in "[a-z]{1,8}", n in "[a-z]{1,8}") {
            prop_assert_eq!(glob(&p, &n), p == n);
        }
        // `*` alone matches everything; `prefix*` matches exactly the names with that prefix.
        #[test]
        fn star_semantics(pre in "[a-z]{0,4}", n in "[a-z]{0,8}") {
            prop_assert!(glob("*", &n));
            prop_assert_eq!(glob(&format!("{pre}*"), &n), n.starts_with(&pre));
        }
        // A negated pattern that matches always exempts, whatever else the list holds.
        #[test]
        fn negation_wins(g in "[a-z]{1,6}") {
            let p = pats(&[&g, "*", &format!("!{g}")]);
            prop_assert!(!needs_second_factor(&p, &gs(&[&g])));
        }
    }
}
