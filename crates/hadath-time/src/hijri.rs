//! Hijri ↔ Gregorian with `icu_calendar`'s **Umm al-Qura** calendar (`Hijri<UmmAlQura>`), the official
//! calendar of Saudi Arabia and the one Gulf news uses. Its month table (1300–1600 AH, taken by ICU4X from
//! ICU4C) is compiled into `icu_calendar`: no data provider, no download. Checked month by month against
//! the Umm al-Qura tables of the `hijridate` package: identical for 1420–1449 AH (1999–2028), the years
//! news dates fall in; before 1420 and after 1449 about half the months start a day apart (the two
//! sources' tables differ there). Outside 1300–1600 AH ICU4X falls back to the tabular calendar.
//! Sighting-based dates of other countries can differ by a day or two.
//!
//! ```
//! use hadath_time::hijri::to_gregorian;
//! assert_eq!(to_gregorian(1436, 10, 14).unwrap().to_string(), "2015-07-30"); // 14 Shawwal 1436
//! ```

use icu_calendar::cal::Hijri;
use icu_calendar::Date as IcuDate;

use crate::date::Date;

/// The years (AH) this crate converts; anything outside is treated as not a Hijri year.
pub const YEARS: std::ops::RangeInclusive<i32> = 1..=1700;

fn from_icu(d: &IcuDate<icu_calendar::Iso>) -> Option<Date> {
    let y = d.year().extended_year();
    Date::new(y, d.month().ordinal, d.day_of_month().0)
}

/// The Gregorian date of Hijri `year`-`month`-`day` (Umm al-Qura), if that day exists.
pub fn to_gregorian(year: i32, month: u8, day: u8) -> Option<Date> {
    if !YEARS.contains(&year) {
        return None;
    }
    let h = IcuDate::try_new_hijri_with_calendar(year, month, day, Hijri::new_umm_al_qura()).ok()?;
    from_icu(&h.to_calendar(icu_calendar::Iso))
}

/// Number of days in a Hijri month (29 or 30).
pub fn days_in_month(year: i32, month: u8) -> Option<u8> {
    if !YEARS.contains(&year) {
        return None;
    }
    let h = IcuDate::try_new_hijri_with_calendar(year, month, 1, Hijri::new_umm_al_qura()).ok()?;
    Some(h.days_in_month())
}

/// First and last Gregorian days of a Hijri month.
pub fn month_range(year: i32, month: u8) -> Option<(Date, Date)> {
    let first = to_gregorian(year, month, 1)?;
    let last = to_gregorian(year, month, days_in_month(year, month)?)?;
    Some((first, last))
}

/// First and last Gregorian days of a Hijri year.
pub fn year_range(year: i32) -> Option<(Date, Date)> {
    Some((month_range(year, 1)?.0, month_range(year, 12)?.1))
}

/// The Hijri (year, month, day) of a Gregorian date.
pub fn from_gregorian(d: Date) -> Option<(i32, u8, u8)> {
    let iso = IcuDate::try_new_iso(d.year(), d.month(), d.day()).ok()?;
    let h = iso.to_calendar(Hijri::new_umm_al_qura());
    let y = h.year().extended_year();
    YEARS.contains(&y).then_some((y, h.month().ordinal, h.day_of_month().0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn umm_al_qura() {
        // Dates printed side by side in Saudi Press Agency datelines.
        assert_eq!(to_gregorian(1436, 10, 25).unwrap().to_string(), "2015-08-10");
        assert_eq!(to_gregorian(1436, 10, 26).unwrap().to_string(), "2015-08-11");
        // Ramadan 1436 began on 18 June 2015 and had 29 days (Eid al-Fitr on 17 July).
        let (a, b) = month_range(1436, 9).unwrap();
        assert_eq!((a.to_string(), b.to_string()), ("2015-06-18".into(), "2015-07-16".into()));
        assert_eq!(from_gregorian(Date::new(2015, 8, 10).unwrap()), Some((1436, 10, 25)));
        // 1 Muharram 1445 = 19 July 2023.
        assert_eq!(to_gregorian(1445, 1, 1).unwrap().to_string(), "2023-07-19");
        assert!(to_gregorian(1436, 13, 1).is_none());
        assert!(to_gregorian(1436, 9, 31).is_none());
        assert!(to_gregorian(0, 1, 1).is_none());
        assert!(to_gregorian(100_000, 1, 1).is_none());
        let (s, e) = year_range(1436).unwrap();
        assert_eq!((s.to_string(), e.to_string()), ("2014-10-25".into(), "2015-10-13".into()));
    }
}
