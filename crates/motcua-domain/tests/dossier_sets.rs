//! Số lượng hồ sơ (bộ) (issue 14, form 01): recorded from the intake into
//! the state, kept in the stored event, and read as 1 from events and
//! states stored before the field existed.

mod dossier_support;

use dossier_support::{cmd, due, intake, t};
use motcua_domain::dossier::{Action, Channel, Dossier, Event, decide, replay};

/// The creating event of a desk reception of `sets` sets, as stored (JSON).
fn received_json(sets: u32) -> serde_json::Value {
    let mut filing = intake(Channel::InPerson);
    filing.sets = sets;
    let events = decide(
        None,
        &cmd(Action::ReceiveNew {
            intake: Box::new(filing),
            due_at: due(),
        }),
        t(0),
    )
    .expect("received");
    serde_json::to_value(&events).expect("events serialise")
}

fn load(json: &serde_json::Value) -> Dossier {
    let events: Vec<Event> = serde_json::from_value(json.clone()).expect("stored events load");
    replay(&events).expect("replay").expect("a dossier")
}

#[test]
fn a_desk_reception_keeps_its_number_of_sets_in_the_event_and_the_state() {
    let json = received_json(3);
    assert_eq!(json[0]["payload"]["intake"]["sets"], 3, "{json}");
    let d = load(&json);
    assert_eq!(d.sets, 3);
    let state = serde_json::to_value(&d).expect("state serialises");
    assert_eq!(state["sets"], 3);
    let back: Dossier = serde_json::from_value(state).expect("state loads");
    assert_eq!(back.sets, 3);
}

#[test]
fn an_event_stored_before_the_field_existed_loads_with_one_set() {
    let mut json = received_json(3);
    let removed = json[0]["payload"]["intake"]
        .as_object_mut()
        .expect("intake")
        .remove("sets");
    assert_eq!(removed, Some(serde_json::json!(3)), "the field was there");
    assert_eq!(load(&json).sets, 1);
}

#[test]
fn a_state_stored_before_the_field_existed_loads_with_one_set() {
    let mut state = serde_json::to_value(load(&received_json(4))).expect("state serialises");
    let removed = state.as_object_mut().expect("state").remove("sets");
    assert_eq!(removed, Some(serde_json::json!(4)));
    let d: Dossier = serde_json::from_value(state).expect("an old state loads");
    assert_eq!(d.sets, 1);
}

#[test]
fn one_set_is_left_out_so_earlier_records_keep_their_bytes() {
    let json = received_json(1);
    assert!(json[0]["payload"]["intake"].get("sets").is_none(), "{json}");
    let state = serde_json::to_value(load(&json)).expect("state serialises");
    assert!(state.get("sets").is_none());
}
