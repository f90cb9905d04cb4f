//! Deterministic synthetic residents for development, demos and tests:
//! the same seed, communes and count always give the same people.

use std::collections::HashSet;

use chrono::NaiveDate;

use super::Resident;
use crate::dossier::{PersonalId, Sex};

const FAMILY: [&str; 16] = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý",
];
const MIDDLE_MALE: [&str; 6] = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Công"];
const MIDDLE_FEMALE: [&str; 5] = ["Thị", "Ngọc", "Thu", "Thanh", "Minh"];
const GIVEN_MALE: [&str; 14] = [
    "An", "Bình", "Cường", "Dũng", "Hùng", "Hải", "Long", "Nam", "Phúc", "Quân", "Sơn", "Tuấn",
    "Việt", "Khánh",
];
const GIVEN_FEMALE: [&str; 14] = [
    "Anh", "Hà", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngọc", "Phương", "Thảo", "Trang", "Yến",
    "Hòa", "Nhung",
];
const RELATIONS: [&str; 4] = ["vợ/chồng", "con", "con", "cha/mẹ"];

/// How many distinct full names the embedded lists can make.
pub fn names_count() -> usize {
    FAMILY.len() * (MIDDLE_MALE.len() * GIVEN_MALE.len() + MIDDLE_FEMALE.len() * GIVEN_FEMALE.len())
}

/// An iterator over `people` synthetic residents of the given communes.
///
/// Personal IDs are valid (birth-registration code of the province, the
/// century/sex digit and year of the birth date, six random digits) and
/// unique; households have one head (`chủ hộ`) and up to four members; about
/// one person in ten also has a temporary residence in another commune.
#[derive(Debug)]
pub struct SyntheticResidents {
    state: u64,
    id_prefix: String,
    communes: Vec<String>,
    remaining: usize,
    seen: HashSet<String>,
    household: Option<(String, String, u32)>,
    households: u64,
}

impl SyntheticResidents {
    /// Residents of `communes` (sorted here, so their order does not
    /// matter) in the province with statistics code `province_code` (`"19"`).
    pub fn new(
        seed: u64,
        province_code: &str,
        mut communes: Vec<String>,
        people: usize,
    ) -> Result<Self, String> {
        let id_prefix = format!("{:0>3}", province_code.trim());
        PersonalId::parse(&format!("{id_prefix}085000000")).map_err(|e| e.to_string())?;
        communes.sort();
        communes.dedup();
        if communes.is_empty() {
            return Err("không có xã nào để tạo cư dân / no communes to place residents in".into());
        }
        Ok(Self {
            state: seed ^ 0x6d6f_7463_7561_2121,
            id_prefix,
            communes,
            remaining: people,
            seen: HashSet::with_capacity(people),
            household: None,
            households: 0,
        })
    }

    /// splitmix64: small, fast and the same on every platform.
    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        // n is a small list length; the modulo bias is irrelevant here.
        usize::try_from(self.next_u64() % u64::try_from(n).unwrap_or(1)).unwrap_or(0)
    }

    fn commune(&mut self) -> String {
        let i = self.below(self.communes.len());
        self.communes[i].clone()
    }

    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len())]
    }

    fn birth_date(&mut self) -> NaiveDate {
        let year = 1940 + i32::try_from(self.below(81)).unwrap_or(0);
        let day = 1 + u32::try_from(self.below(365)).unwrap_or(0);
        NaiveDate::from_yo_opt(year, day).unwrap_or_default()
    }

    fn personal_id(&mut self, sex: Sex, birth: NaiveDate) -> PersonalId {
        use chrono::Datelike;
        let century_digit = u32::from(birth.year() >= 2000) * 2 + u32::from(sex == Sex::Female);
        loop {
            let digits = self.next_u64() % 1_000_000;
            let raw = format!(
                "{}{century_digit}{:02}{digits:06}",
                self.id_prefix,
                birth.year() % 100
            );
            if self.seen.insert(raw.clone())
                && let Ok(id) = PersonalId::parse(&raw)
            {
                return id;
            }
        }
    }
}

impl Iterator for SyntheticResidents {
    type Item = Resident;

    fn next(&mut self) -> Option<Resident> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let (commune, household_code, relation) = match self.household.take() {
            Some((commune, code, left)) if left > 0 => {
                let relation = self.pick(&RELATIONS).to_owned();
                self.household = Some((commune.clone(), code.clone(), left - 1));
                (commune, code, relation)
            }
            _ => {
                let commune = self.commune();
                self.households += 1;
                let code = format!("HK{commune}-{:07}", self.households);
                let members = u32::try_from(self.below(5)).unwrap_or(0);
                self.household = Some((commune.clone(), code.clone(), members));
                (commune, code, "chủ hộ".to_owned())
            }
        };
        let sex = if self.next_u64().is_multiple_of(2) {
            Sex::Male
        } else {
            Sex::Female
        };
        let (middle, given) = match sex {
            Sex::Male => (self.pick(&MIDDLE_MALE), self.pick(&GIVEN_MALE)),
            Sex::Female => (self.pick(&MIDDLE_FEMALE), self.pick(&GIVEN_FEMALE)),
        };
        let full_name = format!("{} {middle} {given}", self.pick(&FAMILY));
        let birth_date = self.birth_date();
        let personal_id = self.personal_id(sex, birth_date);
        let temporary_unit = (self.below(10) == 0 && self.communes.len() > 1).then(|| {
            let other = self.commune();
            if other == commune {
                self.communes[0].clone()
            } else {
                other
            }
        });
        Some(Resident {
            personal_id,
            full_name,
            birth_date,
            sex,
            temporary_unit: temporary_unit.filter(|t| *t != commune),
            permanent_unit: commune,
            household_code,
            household_relation: relation,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    fn communes() -> Vec<String> {
        vec!["05977".into(), "05980".into(), "06001".into()]
    }

    #[test]
    fn the_same_inputs_give_the_same_people() {
        let a: Vec<_> = SyntheticResidents::new(7, "19", communes(), 500)
            .unwrap()
            .collect();
        let mut reversed = communes();
        reversed.reverse();
        let b: Vec<_> = SyntheticResidents::new(7, "19", reversed, 500)
            .unwrap()
            .collect();
        assert_eq!(a, b);
        assert_eq!(a.len(), 500);
        let c: Vec<_> = SyntheticResidents::new(8, "19", communes(), 500)
            .unwrap()
            .collect();
        assert_ne!(a, c);
    }

    #[test]
    fn ids_are_valid_unique_and_agree_with_sex_and_birth_year() {
        let people: Vec<_> = SyntheticResidents::new(1, "19", communes(), 5_000)
            .unwrap()
            .collect();
        let ids: HashSet<_> = people.iter().map(|r| r.personal_id.clone()).collect();
        assert_eq!(ids.len(), 5_000);
        for r in &people {
            assert_eq!(r.personal_id.province_code(), "019");
            assert_eq!(r.personal_id.sex(), r.sex);
            assert_eq!(i32::from(r.personal_id.birth_year()), r.birth_date.year());
            assert!(communes().contains(&r.permanent_unit));
            assert_ne!(r.temporary_unit.as_ref(), Some(&r.permanent_unit));
        }
        assert!(people.iter().any(|r| r.temporary_unit.is_some()));
        assert_eq!(people[0].household_relation, "chủ hộ");
    }

    #[test]
    fn a_province_that_cannot_prefix_an_id_or_no_commune_is_refused() {
        assert!(SyntheticResidents::new(1, "03", communes(), 1).is_err());
        assert!(SyntheticResidents::new(1, "19", vec![], 1).is_err());
        assert!(names_count() > 1_000);
    }
}
