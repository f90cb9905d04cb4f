//! Conformance cases of the payment orders (migration 0029): an order is
//! stored once, moves out of a status once, and the settled ones reach the
//! 766 index as `PaymentFact`s of the dossiers received in the period.

use std::sync::Arc;

use chrono::{TimeDelta, TimeZone, Utc};
use motcua_app::ports::Store;
use motcua_app::ports::service_index::FactScope;
use motcua_domain::dossier::{FeeKind, FeeLine};
use motcua_domain::payment::{OrderStatus, PaymentOrder, PlatformReport, order_id};

use crate::dossier_fixtures::{agencies, create, day0, t0};

const TT1: &str = "H55.X05743.TT";

fn order(code: &str, amount: u64) -> PaymentOrder {
    let lines = vec![FeeLine {
        code: "LP1".into(),
        name: "Lệ phí đăng ký cư trú".into(),
        amount_vnd: amount,
        kind: FeeKind::Levy,
    }];
    PaymentOrder {
        id: order_id(code, &lines, amount),
        dossier_code: code.into(),
        lines,
        amount_vnd: amount,
        created_at: t0() + TimeDelta::minutes(5),
        status: OrderStatus::Pending,
        transaction_id: None,
        paid_vnd: None,
        paid_at: None,
        settled_at: None,
    }
}

fn report(o: &PaymentOrder) -> PlatformReport {
    PlatformReport {
        order_id: o.id.clone(),
        transaction_id: "GD-0001".into(),
        amount_vnd: o.amount_vnd,
        paid: true,
        paid_at: t0() + TimeDelta::minutes(7),
    }
}

/// Insert twice keeps the first; a status moves once (the second of two
/// identical moves changes nothing); orders read back by dossier and by
/// day; settled orders are facts of their dossier's reception period and
/// unit only.
pub async fn payment_orders_settle_once_and_feed_the_index(store: Arc<dyn Store>) {
    store.insert_missing_agencies(&agencies()).await.unwrap();
    let code = create(&*store, TT1, "p1", 10).await;
    let o = order(&code, 50_000);
    let stored = store.insert_payment_order(&o).await.unwrap();
    assert_eq!(stored, o);
    let mut later = o.clone();
    later.created_at = t0() + TimeDelta::hours(3);
    assert_eq!(
        store.insert_payment_order(&later).await.unwrap(),
        o,
        "the first order stays"
    );
    assert_eq!(
        store.payment_orders_of(&code).await.unwrap(),
        vec![o.clone()]
    );
    assert_eq!(
        store.payment_orders_on(day0()).await.unwrap(),
        vec![o.clone()]
    );
    assert!(
        store
            .payment_orders_on(day0().succ_opt().unwrap())
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.payment_order("TT-none").await.unwrap(), None);

    let at = t0() + TimeDelta::minutes(8);
    let r = report(&o);
    assert!(
        store
            .mark_payment_order(&o.id, OrderStatus::Pending, OrderStatus::Settled, &r, at)
            .await
            .unwrap()
    );
    assert!(
        !store
            .mark_payment_order(&o.id, OrderStatus::Pending, OrderStatus::Settled, &r, at)
            .await
            .unwrap(),
        "a second move out of pending changes nothing"
    );
    let settled = store.payment_order(&o.id).await.unwrap().unwrap();
    assert_eq!(settled.status, OrderStatus::Settled);
    assert_eq!(settled.transaction_id.as_deref(), Some("GD-0001"));
    assert_eq!(settled.paid_vnd, Some(50_000));
    assert_eq!(settled.paid_at, Some(r.paid_at));
    assert_eq!(settled.settled_at, Some(at));

    // A second dossier's order stays pending: not a fact.
    let other = create(&*store, TT1, "p2", 10).await;
    store
        .insert_payment_order(&order(&other, 30_000))
        .await
        .unwrap();

    let july = FactScope {
        units: vec!["05743".into()],
        procedure: None,
        from: Utc.with_ymd_and_hms(2025, 6, 30, 17, 0, 0).unwrap(),
        to: Utc.with_ymd_and_hms(2025, 7, 31, 17, 0, 0).unwrap(),
    };
    let facts = store
        .payment_facts(&july)
        .await
        .unwrap()
        .expect("connected");
    assert_eq!(facts.len(), 1, "{facts:?}");
    assert_eq!(facts[0].dossier_code, code);
    assert_eq!(facts[0].unit_code, "05743");
    assert_eq!(facts[0].procedure_code, "1.001193");
    assert_eq!(facts[0].amount_vnd, 50_000);
    assert_eq!(facts[0].channel, 1);
    assert_eq!(facts[0].settled_at, at);
    let elsewhere = FactScope {
        units: vec!["05746".into()],
        ..july.clone()
    };
    assert!(
        store
            .payment_facts(&elsewhere)
            .await
            .unwrap()
            .unwrap()
            .is_empty()
    );
    let august = FactScope {
        from: july.to,
        to: july.to + TimeDelta::days(31),
        ..july.clone()
    };
    assert!(
        store
            .payment_facts(&august)
            .await
            .unwrap()
            .unwrap()
            .is_empty()
    );
    let other_procedure = FactScope {
        procedure: Some("1.000000".into()),
        ..july
    };
    assert!(
        store
            .payment_facts(&other_procedure)
            .await
            .unwrap()
            .unwrap()
            .is_empty()
    );
}
