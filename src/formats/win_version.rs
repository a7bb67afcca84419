//! The four-part version Windows and .NET stamp on a binary
//! (major.minor.build.revision): an assembly's version, a reference's, and
//! a file's VERSIONINFO version are all this one type.

/// A version as four 16-bit parts, compared part by part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version(pub [u16; 4]);

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let [a, b, c, d] = self.0;
        write!(f, "{a}.{b}.{c}.{d}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_part_by_part_and_print_dotted() {
        assert!(Version([4, 5, 202, 0]) > Version([4, 4, 1749, 0]));
        assert!(Version([4, 5, 26, 0]) < Version([4, 5, 202, 0]));
        assert_eq!(Version([4, 4, 1459, 0]).to_string(), "4.4.1459.0");
    }
}
