//! PAM outcomes: the PAM log's events 101 (a user did not complete MFA,
//! e.g. did not answer the phone), 103 (completed) and 825 (a phone number
//! changed), summed per day, so an admin can tell "the provider is broken"
//! (everyone fails) from "one user has a wrong number" (one user fails,
//! again and again).

use crate::formats::event_xml::EventRecord;
use serde::Serialize;
use std::collections::BTreeMap;

pub const FAILED: u32 = 101;
pub const COMPLETED: u32 = 103;
pub const PHONE_CHANGED: u32 = 825;

/// A user with this many failures in a day is named.
pub const REPEATED: u32 = 2;
/// Distinct users kept per day; past it, failures are counted but not
/// named (a hostile export cannot grow the summary without bound).
const USERS_PER_DAY: usize = 10_000;

/// The fields a PAM event may name its user in, in order of preference.
const USER_FIELDS: [&str; 6] = [
    "UserName",
    "User",
    "AccountName",
    "Account",
    "Requestor",
    "TargetUser",
];

/// Whether `event` comes from the PAM log (its channel or provider says
/// PAM or "Privileged Access").
pub fn is_pam(event: &EventRecord) -> bool {
    [&event.channel, &event.provider].iter().any(|s| {
        s.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| w == "PAM")
            || s.to_ascii_lowercase().contains("privileged access")
    })
}

#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct Day {
    /// `2026-11-23` (UTC).
    pub day: String,
    pub completed: u32,
    pub failed: u32,
    pub phone_changed: u32,
    /// Users who failed at least [`REPEATED`] times that day, most first.
    pub repeated_failures: Vec<UserFailures>,
    #[serde(skip)]
    failures: BTreeMap<String, u32>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct UserFailures {
    pub user: String,
    pub failed: u32,
}

/// The summary being built, a day at a time.
#[derive(Debug, Default)]
pub struct Summary {
    days: BTreeMap<String, Day>,
}

impl Summary {
    /// Count `event` if it is a PAM outcome; says whether it was.
    pub fn add(&mut self, event: &EventRecord) -> bool {
        let Some(id @ (FAILED | COMPLETED | PHONE_CHANGED)) = event.event_id else {
            return false;
        };
        if !is_pam(event) {
            return false;
        }
        let day = event
            .time
            .map(|t| t.to_offset(time::UtcOffset::UTC).date().to_string())
            .unwrap_or_else(|| "unknown".into());
        let entry = self.days.entry(day.clone()).or_insert_with(|| Day {
            day,
            ..Day::default()
        });
        match id {
            COMPLETED => entry.completed += 1,
            PHONE_CHANGED => entry.phone_changed += 1,
            _ => {
                entry.failed += 1;
                let user = user_of(event);
                if entry.failures.len() < USERS_PER_DAY || entry.failures.contains_key(&user) {
                    *entry.failures.entry(user).or_default() += 1;
                }
            }
        }
        true
    }

    /// The days, newest first, each with its repeated failures.
    pub fn days(self) -> Vec<Day> {
        let mut days: Vec<Day> = self.days.into_values().rev().collect();
        for d in &mut days {
            let mut repeated: Vec<UserFailures> = std::mem::take(&mut d.failures)
                .into_iter()
                .filter(|(_, n)| *n >= REPEATED)
                .map(|(user, failed)| UserFailures { user, failed })
                .collect();
            repeated.sort_by(|a, b| b.failed.cmp(&a.failed).then(a.user.cmp(&b.user)));
            d.repeated_failures = repeated;
        }
        days
    }
}

/// The user an outcome is about: a named field, else the first data
/// value, else "unknown".
fn user_of(event: &EventRecord) -> String {
    let named = USER_FIELDS.iter().find_map(|f| event.field(f));
    let value = named
        .or_else(|| event.data.first().map(|(_, v)| v.as_str()))
        .unwrap_or("")
        .trim();
    let value: String = value.chars().take(256).collect();
    if value.is_empty() {
        "unknown".into()
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pam(id: u32, day: u8, user: &str) -> EventRecord {
        EventRecord {
            event_id: Some(id),
            channel: "PAM".into(),
            time: Some(
                time::Date::from_calendar_date(2026, time::Month::November, day)
                    .unwrap()
                    .midnight()
                    .assume_utc(),
            ),
            data: vec![(Some("UserName".into()), user.into())],
            ..EventRecord::default()
        }
    }

    #[test]
    fn days_newest_first_with_repeated_failures() {
        let mut s = Summary::default();
        for e in [
            pam(103, 22, "a"),
            pam(101, 23, "jdoe"),
            pam(101, 23, "jdoe"),
            pam(101, 23, "other"),
            pam(825, 23, "jdoe"),
            pam(103, 23, "b"),
        ] {
            assert!(s.add(&e));
        }
        let mut not_pam = pam(101, 23, "x");
        not_pam.channel = "Application".into();
        assert!(!s.add(&not_pam));
        let days = s.days();
        assert_eq!(days.len(), 2);
        assert_eq!(days[0].day, "2026-11-23");
        assert_eq!(
            (days[0].completed, days[0].failed, days[0].phone_changed),
            (1, 3, 1)
        );
        assert_eq!(
            days[0].repeated_failures,
            [UserFailures {
                user: "jdoe".into(),
                failed: 2
            }]
        );
        assert_eq!(days[1].completed, 1);
    }
}
