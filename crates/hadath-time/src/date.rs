//! Proleptic Gregorian dates: validation, day arithmetic, weekdays and ISO weeks. Years are kept to
//! 1–9999 so that every value prints as a four-digit ISO 8601 year.

use std::fmt;

/// The smallest year a value may have.
pub const MIN_YEAR: i32 = 1;
/// The largest year a value may have.
pub const MAX_YEAR: i32 = 9999;

/// A valid Gregorian calendar date with a year in `MIN_YEAR..=MAX_YEAR`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

/// Whether `year` is a Gregorian leap year.
pub fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in `month` (1–12) of `year`; 0 for a month out of range.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Whether a year is inside the range values may have.
pub fn year_ok(year: i32) -> bool {
    (MIN_YEAR..=MAX_YEAR).contains(&year)
}

impl Date {
    /// The date, if it exists.
    ///
    /// ```
    /// use hadath_time::date::Date;
    /// assert!(Date::new(2024, 2, 29).is_some());
    /// assert!(Date::new(2023, 2, 29).is_none());
    /// ```
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if year_ok(year) && (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month) {
            Some(Date { year, month, day })
        } else {
            None
        }
    }

    /// Parses `YYYY-MM-DD` (exactly that form).
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = s.get(r)?;
            if part.bytes().all(|c| c.is_ascii_digit()) {
                part.parse().ok()
            } else {
                None
            }
        };
        Date::new(num(0..4)? as i32, num(5..7)? as u8, num(8..10)? as u8)
    }

    /// Year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// Month, 1–12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// Day of the month, 1–31.
    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01, if its year is in range.
    pub fn from_days(days: i64) -> Option<Date> {
        let z = days.checked_add(719_468)?;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        Date::new(i32::try_from(y).ok()?, m as u8, d as u8)
    }

    /// This date moved by `n` days, if the result is in range.
    pub fn add_days(self, n: i64) -> Option<Date> {
        Date::from_days(self.days().checked_add(n)?)
    }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    ///
    /// ```
    /// use hadath_time::date::Date;
    /// assert_eq!(Date::new(2023, 4, 19).unwrap().weekday(), 3); // a Wednesday
    /// ```
    pub fn weekday(self) -> u8 {
        // 1970-01-01 was a Thursday (4).
        ((self.days() + 3).rem_euclid(7) + 1) as u8
    }

    /// ISO 8601 week-numbering year and week (1–53).
    ///
    /// ```
    /// use hadath_time::date::Date;
    /// assert_eq!(Date::new(2015, 8, 10).unwrap().iso_week(), (2015, 33));
    /// assert_eq!(Date::new(2021, 1, 3).unwrap().iso_week(), (2020, 53));
    /// ```
    pub fn iso_week(self) -> (i32, u8) {
        // The week's Thursday decides its year.
        let thursday = self.days() - i64::from(self.weekday()) + 4;
        let th = Date::from_days(thursday).unwrap_or(self);
        let jan1 = Date { year: th.year, month: 1, day: 1 };
        let week = (thursday - jan1.days()) / 7 + 1;
        (th.year, week as u8)
    }

    /// The last day of this date's month.
    pub fn month_end(self) -> Date {
        Date { day: days_in_month(self.year, self.month), ..self }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A (year, month) moved by `n` months, if the year stays in range.
pub fn add_months(year: i32, month: u8, n: i64) -> Option<(i32, u8)> {
    let idx = i64::from(year).checked_mul(12)?.checked_add(i64::from(month) - 1)?.checked_add(n)?;
    let y = i32::try_from(idx.div_euclid(12)).ok()?;
    let m = (idx.rem_euclid(12) + 1) as u8;
    year_ok(y).then_some((y, m))
}

/// Number of ISO weeks in ISO week-numbering year `year` (52 or 53).
pub fn iso_weeks_in_year(year: i32) -> u8 {
    // A year has 53 weeks when 28 December falls in week 53.
    Date::new(year, 12, 28).map_or(52, |d| d.iso_week().1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_days() {
        assert_eq!(Date::new(1970, 1, 1).unwrap().days(), 0);
        assert_eq!(Date::new(2000, 3, 1).unwrap().days(), 11_017);
        assert_eq!(Date::from_days(19_466), Date::new(2023, 4, 19));
        assert_eq!(Date::new(2015, 7, 25).unwrap().weekday(), 6);
        assert_eq!(Date::new(2015, 7, 22).unwrap().iso_week(), (2015, 30));
        assert_eq!(Date::new(2015, 12, 31).unwrap().iso_week(), (2015, 53));
        assert_eq!(Date::new(2019, 12, 30).unwrap().iso_week(), (2020, 1));
        assert_eq!(iso_weeks_in_year(2015), 53);
        assert_eq!(iso_weeks_in_year(2016), 52);
        assert_eq!(add_months(2015, 1, -1), Some((2014, 12)));
        assert_eq!(add_months(2015, 12, 1), Some((2016, 1)));
        assert_eq!(add_months(9999, 12, 1), None);
        assert_eq!(Date::parse("2023-04-19"), Date::new(2023, 4, 19));
        assert_eq!(Date::parse("2023-4-19"), None);
        assert_eq!(Date::parse("2023-02-30"), None);
    }

    proptest! {
        #[test]
        fn days_round_trip(n in -719_000i64..2_900_000) {
            if let Some(d) = Date::from_days(n) {
                prop_assert_eq!(d.days(), n);
                prop_assert_eq!(Date::parse(&d.to_string()), Some(d));
                let next = d.add_days(1);
                if let Some(x) = next {
                    prop_assert!(x > d);
                    prop_assert_eq!(x.weekday() % 7, (d.weekday() + 1) % 7);
                }
                let (_, w) = d.iso_week();
                prop_assert!((1..=53).contains(&w));
            }
        }
    }
}
