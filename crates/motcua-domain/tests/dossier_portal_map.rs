//! The local → portal status mapping is data; check it is total and onto.

use motcua_domain::dossier::{
    LocalStatus, PortalMapError, PortalStatus, PortalStatusMap, portal_status,
};

#[test]
fn embedded_map_loads() {
    assert!(
        PortalStatusMap::embedded().is_ok(),
        "{:?}",
        PortalStatusMap::embedded().err()
    );
}

#[test]
fn every_local_status_maps_to_exactly_one_code() {
    let map = PortalStatusMap::embedded().expect("embedded map");
    for status in LocalStatus::ALL {
        let codes: Vec<_> = map
            .iter()
            .filter(|(s, _)| *s == status)
            .map(|(_, c)| c)
            .collect();
        assert_eq!(codes.len(), 1, "{status}");
        assert_eq!(portal_status(status), Ok(codes[0]));
    }
    assert_eq!(map.iter().count(), LocalStatus::COUNT);
}

#[test]
fn every_portal_code_is_reachable() {
    let map = PortalStatusMap::embedded().expect("embedded map");
    for code in 1..=10u8 {
        let code = PortalStatus::new(code).expect("in range");
        assert!(
            !map.statuses_for(code).is_empty(),
            "code {} unreachable",
            code.code()
        );
    }
}

#[test]
fn main_statuses_map_to_their_portal_codes() {
    // Each main status has the portal code of its position in the lifecycle.
    for status in LocalStatus::ALL {
        let expected = motcua_domain::dossier::DossierStatus::ALL
            .iter()
            .position(|s| *s == status.status)
            .map(|i| i as u8 + 1);
        assert_eq!(
            portal_status(status).map(|c| c.code()).ok(),
            expected,
            "{status}"
        );
    }
}

#[test]
fn portal_codes_outside_one_to_ten_are_rejected() {
    assert_eq!(PortalStatus::new(0), None);
    assert_eq!(PortalStatus::new(11), None);
    assert_eq!(
        PortalStatus::try_from(11u8),
        Err(PortalMapError::CodeOutOfRange(11))
    );
}

const HEAD: &str = "[[entry]]\nstatus = \"submitted\"\nsub_status = \"none\"\nportal_code = 1\n";

#[test]
fn broken_maps_are_refused() {
    let full = motcua_domain::dossier::portal::EMBEDDED_PORTAL_STATUS_MAP;
    assert!(matches!(
        PortalStatusMap::from_toml("not toml ["),
        Err(PortalMapError::Syntax(_))
    ));
    assert!(matches!(
        PortalStatusMap::from_toml(HEAD),
        Err(PortalMapError::Missing(_))
    ));
    let duplicate = format!("{full}\n{HEAD}");
    assert!(matches!(
        PortalStatusMap::from_toml(&duplicate),
        Err(PortalMapError::Duplicate(_))
    ));
    let unknown = full.replacen(
        "sub_status = \"at_step\"",
        "sub_status = \"before_reception\"",
        1,
    );
    assert!(matches!(
        PortalStatusMap::from_toml(&unknown),
        Err(PortalMapError::UnknownPair(_))
    ));
    let out_of_range = full.replacen("portal_code = 10", "portal_code = 11", 1);
    assert_eq!(
        PortalStatusMap::from_toml(&out_of_range),
        Err(PortalMapError::CodeOutOfRange(11))
    );
    let unreachable = full.replacen("portal_code = 10", "portal_code = 9", 1);
    assert_eq!(
        PortalStatusMap::from_toml(&unreachable),
        Err(PortalMapError::Unreachable(10))
    );
    let extra_field = full.replacen("portal_code = 1\n", "portal_code = 1\nnote = \"x\"\n", 1);
    assert!(matches!(
        PortalStatusMap::from_toml(&extra_field),
        Err(PortalMapError::Syntax(_))
    ));
}
