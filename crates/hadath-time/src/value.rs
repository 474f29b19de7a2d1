//! Resolved values and their ISO 8601 form: `2023-04-19`, `2023-03`, `1993`, `2015-W32`, or an interval
//! of two of the first three (`2011/2020`, `2015-06-18/2015-07-16`, `2015-01/2015-06`).

use std::fmt;

use crate::date::{days_in_month, iso_weeks_in_year, year_ok, Date};

/// A point in time at the granularity the text gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Point {
    /// A year.
    Year(i32),
    /// A month of a year.
    Month(i32, u8),
    /// A day.
    Day(Date),
}

impl Point {
    /// First day of the point.
    pub fn first_day(self) -> Option<Date> {
        match self {
            Point::Year(y) => Date::new(y, 1, 1),
            Point::Month(y, m) => Date::new(y, m, 1),
            Point::Day(d) => Some(d),
        }
    }

    /// Last day of the point.
    pub fn last_day(self) -> Option<Date> {
        match self {
            Point::Year(y) => Date::new(y, 12, 31),
            Point::Month(y, m) => Date::new(y, m, days_in_month(y, m)),
            Point::Day(d) => Some(d),
        }
    }

    fn valid(self) -> bool {
        match self {
            Point::Year(y) => year_ok(y),
            Point::Month(y, m) => year_ok(y) && (1..=12).contains(&m),
            Point::Day(_) => true,
        }
    }
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Point::Year(y) => write!(f, "{y:04}"),
            Point::Month(y, m) => write!(f, "{y:04}-{m:02}"),
            Point::Day(d) => write!(f, "{d}"),
        }
    }
}

/// A resolved time value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Value {
    /// A single year, month or day.
    Point(Point),
    /// An ISO week (`2015-W32`).
    Week(i32, u8),
    /// An interval from the first point to the second, inclusive at their granularity.
    Range(Point, Point),
}

impl Value {
    /// A value only if it is well formed (years in range, start not after end, week numbers that exist).
    pub fn checked(self) -> Option<Value> {
        let ok = match self {
            Value::Point(p) => p.valid(),
            Value::Week(y, w) => year_ok(y) && w >= 1 && w <= iso_weeks_in_year(y),
            Value::Range(a, b) => {
                a.valid() && b.valid() && matches!((a.first_day(), b.first_day()), (Some(x), Some(y)) if x <= y)
            }
        };
        ok.then_some(self)
    }

    /// The ISO 8601 form.
    ///
    /// ```
    /// use hadath_time::value::{Point, Value};
    /// assert_eq!(Value::Range(Point::Year(2011), Point::Year(2020)).iso(), "2011/2020");
    /// assert_eq!(Value::Week(2015, 8).iso(), "2015-W08");
    /// ```
    pub fn iso(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Point(p) => write!(f, "{p}"),
            Value::Week(y, w) => write!(f, "{y:04}-W{w:02}"),
            Value::Range(a, b) => write!(f, "{a}/{b}"),
        }
    }
}

/// Parses one ISO 8601 value of the forms this crate writes; `None` if `s` is not one. Used to check
/// outputs (property tests, the engine's tests).
///
/// ```
/// use hadath_time::value::parse_iso;
/// assert!(parse_iso("2023-04-19").is_some());
/// assert!(parse_iso("2015-W53").is_some());
/// assert!(parse_iso("2016-W53").is_none()); // 2016 has 52 ISO weeks
/// assert!(parse_iso("2020/2011").is_none()); // backwards
/// assert!(parse_iso("2023-02-29").is_none());
/// ```
pub fn parse_iso(s: &str) -> Option<Value> {
    if let Some((a, b)) = s.split_once('/') {
        return Value::Range(parse_point(a)?, parse_point(b)?).checked();
    }
    if let Some((y, w)) = s.split_once("-W") {
        if y.len() != 4 || w.len() != 2 {
            return None;
        }
        return Value::Week(digits(y)? as i32, digits(w)? as u8).checked();
    }
    Value::Point(parse_point(s)?).checked()
}

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn parse_point(s: &str) -> Option<Point> {
    match s.len() {
        4 => Some(Point::Year(digits(s)? as i32)),
        7 if s.as_bytes()[4] == b'-' => {
            let m = digits(s.get(5..7)?)? as u8;
            (1..=12).contains(&m).then_some(Point::Month(digits(s.get(0..4)?)? as i32, m))
        }
        10 => Date::parse(s).map(Point::Day),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for s in ["2023-04-19", "2023-03", "1993", "2011/2020", "2015-W29", "2015-06-18/2015-07-16", "2015-01/2015-06"]
        {
            let v = parse_iso(s).unwrap_or_else(|| panic!("{s}"));
            assert_eq!(v.iso(), s);
        }
        for s in ["", "15", "2023-13", "2023-4-19", "2023-W54", "2023-W00", "x/2020", "2023-04-19/", "١٩٩٣"] {
            assert!(parse_iso(s).is_none(), "{s}");
        }
        assert!(Value::Range(Point::Year(2020), Point::Year(2011)).checked().is_none());
        assert!(Value::Point(Point::Year(10_000)).checked().is_none());
    }
}
