//! The ITU-T E.164 country calling codes, and the judgment of a
//! DefaultCountryCode value against them (the audit's MFA030, and the
//! commands' check of `--country-code` input).

/// Assigned ITU-T E.164 country calling codes, as listed by Google's
/// libphonenumber metadata (PhoneNumberMetadata.xml, the copy shipped in the
/// phonenumber crate 0.3.10+9.0.33). Refresh: see docs/checks.md.
const CALLING_CODES: &[u16] = &[
    1, 7, 20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54,
    55, 56, 57, 58, 60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98, 211,
    212, 213, 216, 218, 220, 221, 222, 223, 224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234,
    235, 236, 237, 238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253,
    254, 255, 256, 257, 258, 260, 261, 262, 263, 264, 265, 266, 267, 268, 269, 290, 291, 297, 298,
    299, 350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 370, 371, 372, 373, 374, 375, 376, 377,
    378, 380, 381, 382, 383, 385, 386, 387, 389, 420, 421, 423, 500, 501, 502, 503, 504, 505, 506,
    507, 508, 509, 590, 591, 592, 593, 594, 595, 596, 597, 598, 599, 670, 672, 673, 674, 675, 676,
    677, 678, 679, 680, 681, 682, 683, 685, 686, 687, 688, 689, 690, 691, 692, 800, 808, 850, 852,
    853, 855, 856, 870, 878, 880, 881, 882, 883, 886, 888, 960, 961, 962, 963, 964, 965, 966, 967,
    968, 970, 971, 972, 973, 974, 975, 976, 977, 979, 992, 993, 994, 995, 996, 998,
];

/// Why a DefaultCountryCode cannot be used, if it cannot.
pub fn country_code_problem(value: &str) -> Option<String> {
    if value.is_empty() || value.len() > 3 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Some("must be 1-3 digits with no + (e.g. 1, 44, 353)".into());
    }
    // No calling code starts with 0 (`00` is the international dialling
    // prefix): `044` is not 44 to the service, it is a wrong number.
    if value.starts_with('0') {
        return Some(format!(
            "\"{value}\" starts with 0: no calling code does (00 is a dialling prefix); write it without the leading zeros, e.g. 44"
        ));
    }
    let code: u16 = value.parse().ok()?;
    (!CALLING_CODES.contains(&code)).then(|| format!("{code} is not an assigned ITU calling code"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes() {
        assert_eq!(country_code_problem("1"), None);
        assert_eq!(country_code_problem("353"), None);
        assert!(country_code_problem("+1").is_some());
        assert!(country_code_problem("1234").is_some());
        assert!(country_code_problem("").is_some());
        assert!(
            country_code_problem("999")
                .unwrap()
                .contains("not an assigned")
        );
        assert!(country_code_problem("0").is_some());
        for zero in ["001", "044", "01", "00"] {
            assert!(
                country_code_problem(zero)
                    .unwrap()
                    .contains("starts with 0"),
                "{zero}"
            );
        }
    }
}
