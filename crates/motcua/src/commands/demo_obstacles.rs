//! Realistic obstacles (khó khăn, vướng mắc) for `motcua demo seed`: the
//! ministries' agencies from the data, then a dozen cases of the configured
//! province's communes in every state — submitted, received, escalated to a
//! ministry, answered, resolved, one group of three merged communes answered
//! once, and cases whose answer is overdue — backdated from the clock and
//! decided by the domain's rules (issue 16). Seeding twice adds nothing.

use std::sync::Arc;

use anyhow::{Result, anyhow};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use motcua_app::obstacles::ObstacleService;
use motcua_app::ports::obstacles::{ObstacleRow, ObstacleWrite};
use motcua_app::ports::{AgencyFilter, Clock, Store};
use motcua_domain::agency::AgencyKind;
use motcua_domain::calendar::WorkingCalendar;
use motcua_domain::clock::to_local;
use motcua_domain::obstacle::{
    Actor, Answer, Blocks, Command, Draft, EvidenceFigures, Obstacle, ObstacleAction,
    ObstacleEvent, ObstacleRules, decide, evolve,
};
use motcua_domain::text::fold;

/// One demo case: what the commune writes and how far it went.
struct Story {
    title: &'static str,
    description: &'static str,
    category: &'static str,
    procedures: &'static [&'static str],
    proposal: &'static str,
    /// Working-day steps after submission: 0 submitted, 1 received,
    /// 2 answered, 3 resolved, 4 escalated to the level above, 5 escalated
    /// and answered there.
    progress: u8,
    /// Days ago it was submitted.
    days_ago: i64,
    answer: &'static str,
}

const STORIES: &[Story] = &[
    Story {
        title: "Phần mềm một cửa không liên thông hồ sơ khai sinh sang CSDL hộ tịch",
        description: "Từ khi sáp nhập, hồ sơ đăng ký khai sinh tiếp nhận trên hệ thống một cửa không đồng bộ được sang Cơ sở dữ liệu hộ tịch điện tử; cán bộ phải nhập lại bằng tay.",
        category: "HA_TANG_CNTT",
        procedures: &["1.001193"],
        proposal: "Đề nghị Sở Khoa học và Công nghệ phối hợp đơn vị cung cấp phần mềm cập nhật mã đơn vị hành chính mới trên trục liên thông.",
        progress: 5,
        days_ago: 24,
        answer: "Bộ đã cập nhật danh mục đơn vị hành chính mới trên trục liên thông ngày 20/11; đề nghị các xã đồng bộ lại hồ sơ tồn.",
    },
    Story {
        title: "Thiếu công chức địa chính sau sắp xếp",
        description: "Xã mới có 3 xã cũ nhưng chỉ còn 1 công chức địa chính - xây dựng; hồ sơ đất đai tồn đọng.",
        category: "NHAN_SU",
        procedures: &[],
        proposal: "Đề nghị Sở Nội vụ biệt phái 01 công chức địa chính trong 6 tháng.",
        progress: 2,
        days_ago: 30,
        answer: "Sở Nội vụ đã trình UBND tỉnh quyết định biệt phái 01 công chức từ Văn phòng đăng ký đất đai.",
    },
    Story {
        title: "Chưa có bảng giá đất thống nhất sau hợp nhất",
        description: "Hai xã cũ áp dụng hai bảng giá đất khác nhau; chưa có hướng dẫn áp dụng khi tính nghĩa vụ tài chính.",
        category: "DAT_DAI",
        procedures: &[],
        proposal: "Đề nghị ban hành hướng dẫn tạm thời áp dụng bảng giá đất cho đến khi có bảng giá mới.",
        progress: 4,
        days_ago: 18,
        answer: "",
    },
    Story {
        title: "Trụ sở Trung tâm phục vụ hành chính công xã xuống cấp",
        description: "Trụ sở tạm của Trung tâm dột khi mưa, thiếu quầy và ghế chờ cho người dân.",
        category: "CO_SO_VAT_CHAT",
        procedures: &[],
        proposal: "Đề nghị bố trí kinh phí sửa chữa trụ sở năm 2026.",
        progress: 1,
        days_ago: 20,
        answer: "",
    },
    Story {
        title: "Chậm chi trả chế độ cho cán bộ không chuyên trách nghỉ việc",
        description: "Một số người hoạt động không chuyên trách nghỉ việc theo Nghị định 178 chưa nhận được chế độ.",
        category: "CHE_DO_CHINH_SACH",
        procedures: &[],
        proposal: "Đề nghị Sở Nội vụ hướng dẫn hồ sơ và thời hạn chi trả.",
        progress: 0,
        days_ago: 16,
        answer: "",
    },
    Story {
        title: "Hồ sơ đăng ký hộ kinh doanh quá hạn do chưa phân cấp thẩm quyền",
        description: "Hồ sơ đăng ký hộ kinh doanh nộp tại xã phải chuyển lên tỉnh vì chưa có quyết định phân cấp.",
        category: "TTHC",
        procedures: &["1.004873"],
        proposal: "Đề nghị UBND tỉnh ban hành quyết định phân cấp thẩm quyền đăng ký hộ kinh doanh cho cấp xã.",
        progress: 0,
        days_ago: 3,
        answer: "",
    },
    Story {
        title: "Kinh phí chuyển đổi số năm 2026 chưa được giao",
        description: "Xã chưa được giao dự toán chi chuyển đổi số; không mua được máy quét và chữ ký số.",
        category: "TAI_CHINH",
        procedures: &[],
        proposal: "Đề nghị Sở Tài chính bổ sung dự toán chi chuyển đổi số cho cấp xã.",
        progress: 3,
        days_ago: 28,
        answer: "Đã bổ sung dự toán tại Quyết định giao dự toán bổ sung tháng 11.",
    },
];

/// The group: the same obstacle raised by three communes, merged into the
/// first and answered once.
const GROUP_TITLE: &str = "Hướng dẫn khác nhau về chứng thực chữ ký trên giấy tờ tiếng nước ngoài";
const GROUP_TITLES: [&str; 3] = [
    GROUP_TITLE,
    "huong dan khac nhau ve chung thuc chu ky tren giay to tieng nuoc ngoai",
    "HƯỚNG DẪN KHÁC NHAU VỀ CHỨNG THỰC CHỮ KÝ TRÊN GIẤY TỜ TIẾNG NƯỚC NGOÀI",
];

struct Builder<'a> {
    id: String,
    state: Option<Obstacle>,
    events: Vec<ObstacleEvent>,
    cal: &'a WorkingCalendar,
}

impl Builder<'_> {
    fn step(&mut self, agency: &str, action: ObstacleAction, at: DateTime<Utc>) -> Result<()> {
        let actor = Actor {
            officer: format!("demo.{}", agency.to_lowercase().replace('.', "-")),
            agency: agency.to_owned(),
        };
        let e = decide(self.state.as_ref(), &Command { actor, action }, at)
            .map_err(|e| anyhow!("{e}"))?;
        self.state = Some(evolve(&self.id, self.state.take(), &e).map_err(|e| anyhow!("{e}"))?);
        self.events.push(e);
        Ok(())
    }

    fn days(&self, from: DateTime<Utc>, n: u32) -> Result<DateTime<Utc>> {
        // `n` working days later, at the same time of day.
        let day = to_local(from).date();
        let next = self
            .cal
            .nth_working_day_after(day, n)
            .map_err(|e| anyhow!("{e}"))?;
        Ok(from + Duration::days((next - day).num_days()))
    }

    fn write(self, rules: &ObstacleRules) -> Result<ObstacleWrite> {
        let o = self.state.ok_or_else(|| anyhow!("empty case"))?;
        let set = rules.in_force(o.submitted_at.unwrap_or(o.created_at));
        let watcher = match (&o.owner, set.category(&o.draft.category)) {
            (Some(w), Some(c)) => rules
                .watcher(set, c, w, &o.draft.province_root)
                .map(|x| x.agency),
            _ => None,
        };
        Ok(ObstacleWrite {
            expected_version: 0,
            row: ObstacleRow {
                watcher,
                due_key: o.due_at.map_or(i64::MAX, |d| d.timestamp_millis()),
                text_folded: fold(&format!("{} {}", o.draft.title, o.draft.description)),
                obstacle: o,
            },
            events: self.events,
        })
    }
}

/// Seeds the demo obstacles; answers how many cases were written.
pub async fn seed(store: &Arc<dyn Store>, root: &str, clock: &Clock) -> Result<usize> {
    ObstacleService::new(store.clone(), clock.clone(), None)
        .ensure_ministries()
        .await
        .map_err(|e| anyhow!("{e}"))?;
    if store.get_obstacle("VM-DEMO-01").await?.is_some() {
        return Ok(0);
    }
    let rules = ObstacleRules::embedded().map_err(|e| anyhow!("{e}"))?;
    let cal = WorkingCalendar::vietnam().map_err(|e| anyhow!("{e}"))?;
    let (committees, _) = store
        .list_agencies(&AgencyFilter {
            kind: Some(AgencyKind::CommuneCommittee),
            limit: 5_000,
            ..AgencyFilter::default()
        })
        .await?;
    let communes: Vec<_> = committees
        .into_iter()
        .filter(|c| c.parent_id.as_deref() == Some(root))
        .collect();
    anyhow::ensure!(communes.len() >= 3, "fewer than 3 communes under {root}");
    let now = clock.now();
    let mut writes = Vec::new();
    let make = |n: usize,
                unit: &motcua_domain::agency::Agency,
                title: &str,
                description: &str,
                category: &str,
                procedures: &[&str],
                proposal: &str,
                submitted: DateTime<Utc>|
     -> Result<Builder<'_>> {
        let mut b = Builder {
            id: format!("VM-DEMO-{n:02}"),
            state: None,
            events: Vec::new(),
            cal: &cal,
        };
        let since = to_local(submitted).date() - Duration::days(20);
        b.step(
            &unit.id,
            ObstacleAction::Draft(Box::new(Draft {
                title: title.to_owned(),
                description: description.to_owned(),
                category: category.to_owned(),
                blocks: Blocks {
                    procedures: procedures.iter().map(|p| (*p).to_owned()).collect(),
                    ..Blocks::default()
                },
                since: NaiveDate::from_ymd_opt(2025, 7, 1).map_or(since, |d| d.max(since)),
                proposal: proposal.to_owned(),
                evidence: String::new(),
                unit_agency: unit.id.clone(),
                unit_name: unit.name.clone(),
                unit_code: unit.unit_code.clone(),
                province_root: root.to_owned(),
            })),
            submitted - Duration::hours(1),
        )?;
        Ok(b)
    };
    for (i, s) in STORIES.iter().enumerate() {
        let unit = &communes[(i * 7) % communes.len()];
        let submitted = now - Duration::days(s.days_ago);
        let mut b = make(
            i + 1,
            unit,
            s.title,
            s.description,
            s.category,
            s.procedures,
            s.proposal,
            submitted,
        )?;
        let set = rules.in_force(submitted);
        let cat = set
            .category(s.category)
            .ok_or_else(|| anyhow!("unknown category {}", s.category))?;
        let owner = set.owner_at(cat, set.first_level(cat), root);
        let due_at = set
            .answer_due(&cal, owner.level, submitted, None)
            .map_err(|e| anyhow!("{e}"))?;
        let mut figures = Vec::new();
        if cat.evidence {
            for p in s.procedures {
                let f = store
                    .procedure_figures(&unit.id, p, submitted.timestamp_millis())
                    .await?;
                figures.push(EvidenceFigures {
                    procedure: (*p).to_owned(),
                    as_of: submitted,
                    open: f.open,
                    overdue: f.overdue,
                    paused: f.paused,
                });
            }
        }
        b.step(
            &unit.id,
            ObstacleAction::Submit {
                owner: owner.clone(),
                due_at,
                figures,
            },
            submitted,
        )?;
        let mut at = submitted;
        let mut holder = owner.agency.clone();
        if s.progress >= 1 {
            at = b.days(at, 1)?;
            b.step(&holder, ObstacleAction::Receive, at)?;
        }
        if s.progress >= 4 {
            at = b.days(at, 2)?;
            let level = owner
                .level
                .next()
                .ok_or_else(|| anyhow!("no level above"))?;
            let up = set.owner_at(cat, level, root);
            let due = set
                .answer_due(&cal, up.level, at, None)
                .map_err(|e| anyhow!("{e}"))?;
            b.step(
                &holder,
                ObstacleAction::Escalate {
                    reason: "Vượt thẩm quyền, đề nghị cấp trên hướng dẫn".into(),
                    owner: up.clone(),
                    due_at: due,
                },
                at,
            )?;
            holder = up.agency.clone();
            if s.progress >= 5 {
                at = b.days(at, 1)?;
                b.step(&holder, ObstacleAction::Receive, at)?;
                if up.level == motcua_domain::obstacle::Level::Province {
                    // Up once more, to the ministry, which answers.
                    at = b.days(at, 1)?;
                    let top = set.owner_at(cat, motcua_domain::obstacle::Level::Ministry, root);
                    let due = set
                        .answer_due(&cal, top.level, at, None)
                        .map_err(|e| anyhow!("{e}"))?;
                    b.step(
                        &holder,
                        ObstacleAction::Escalate {
                            reason: "Cần bộ, ngành trung ương xử lý".into(),
                            owner: top.clone(),
                            due_at: due,
                        },
                        at,
                    )?;
                    holder = top.agency.clone();
                    at = b.days(at, 1)?;
                    b.step(&holder, ObstacleAction::Receive, at)?;
                }
            }
        }
        if matches!(s.progress, 2 | 3 | 5) {
            at = b.days(at, 3)?;
            b.step(
                &holder,
                ObstacleAction::Answer {
                    text: s.answer.to_owned(),
                },
                at,
            )?;
        }
        if s.progress == 3 {
            at = b.days(at, 2)?;
            b.step(
                &unit.id,
                ObstacleAction::Resolve {
                    note: "Đã thực hiện theo hướng dẫn".into(),
                },
                at,
            )?;
        }
        writes.push(b.write(rules)?);
    }
    // The group: three communes, merged into the first, answered once by
    // the Sở Tư pháp.
    let set = rules.in_force(now);
    let cat = set
        .category("THE_CHE_PHAP_LUAT")
        .ok_or_else(|| anyhow!("THE_CHE_PHAP_LUAT"))?;
    let owner = set.owner_at(cat, set.first_level(cat), root);
    let submitted = now - Duration::days(12);
    let due_at = set
        .answer_due(&cal, owner.level, submitted, None)
        .map_err(|e| anyhow!("{e}"))?;
    let first_id = format!("VM-DEMO-{:02}", STORIES.len() + 1);
    let mut group = Vec::new();
    for (k, title) in GROUP_TITLES.iter().enumerate() {
        let unit = &communes[(k * 11 + 3) % communes.len()];
        let mut b = make(
            STORIES.len() + 1 + k,
            unit,
            title,
            "Mỗi phòng chuyên môn hướng dẫn một cách về việc chứng thực chữ ký người dịch; người dân phải đi lại nhiều lần.",
            "THE_CHE_PHAP_LUAT",
            &[],
            "Đề nghị Sở Tư pháp ban hành một văn bản hướng dẫn thống nhất.",
            submitted + Duration::hours(k as i64),
        )?;
        b.step(
            &unit.id,
            ObstacleAction::Submit {
                owner: owner.clone(),
                due_at,
                figures: vec![],
            },
            submitted + Duration::hours(k as i64),
        )?;
        let received = b.days(submitted, 1)?;
        b.step(&owner.agency, ObstacleAction::Receive, received)?;
        if k > 0 {
            b.step(
                &owner.agency,
                ObstacleAction::Merge {
                    into: first_id.clone(),
                },
                received + Duration::hours(1),
            )?;
        }
        group.push(b);
    }
    let answered_at = group[0].days(submitted, 4)?;
    let text =
        "Sở Tư pháp đã ban hành Công văn hướng dẫn thống nhất về chứng thực chữ ký người dịch.";
    group[0].step(
        &owner.agency,
        ObstacleAction::Answer { text: text.into() },
        answered_at,
    )?;
    let answer = group[0]
        .state
        .as_ref()
        .and_then(|o| o.answer.clone())
        .unwrap_or(Answer {
            text: text.into(),
            by: owner.clone(),
            at: answered_at,
            via: None,
        });
    for b in group.iter_mut().skip(1) {
        b.step(
            &owner.agency,
            ObstacleAction::GroupAnswer {
                from: first_id.clone(),
                answer: answer.clone(),
            },
            answered_at,
        )?;
    }
    for b in group {
        writes.push(b.write(rules)?);
    }
    let n = writes.len();
    store.save_obstacles(&writes).await?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_app::agencies::{AgencyService, ProvinceSettings};
    use motcua_app::units::UnitService;
    use motcua_domain::obstacle::Status;

    #[tokio::test]
    async fn the_demo_seeds_obstacles_in_every_state_once() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("demo.db").display());
        let store = crate::wiring::open_store(&url, &Clock::system())
            .await
            .unwrap();
        UnitService::new(store.clone())
            .load_reference()
            .await
            .unwrap();
        AgencyService::new(store.clone())
            .ensure_defaults(&ProvinceSettings {
                code: "19".into(),
                identifier_root: "H55".into(),
                layout: None,
            })
            .await
            .unwrap();
        let clock = Clock::system();
        assert_eq!(
            seed(&store, "H55", &clock).await.unwrap(),
            STORIES.len() + 3
        );
        assert_eq!(
            seed(&store, "H55", &clock).await.unwrap(),
            0,
            "seeded twice"
        );
        let mut statuses = Vec::new();
        for n in 1..=STORIES.len() + 3 {
            let o = store
                .get_obstacle(&format!("VM-DEMO-{n:02}"))
                .await
                .unwrap()
                .unwrap();
            statuses.push(o.status);
        }
        for s in [
            Status::Submitted,
            Status::Received,
            Status::Answered,
            Status::Resolved,
            Status::Escalated,
        ] {
            assert!(statuses.contains(&s), "{s:?} missing: {statuses:?}");
        }
        // The group: two merged cases answered through the first.
        let group = store.obstacles_merged_into("VM-DEMO-08").await.unwrap();
        assert_eq!(group.len(), 2);
        assert!(group.iter().all(|o| o.status == Status::Answered));
        // Ministries exist as agencies, and a case reached one.
        assert!(store.get_agency("G93").await.unwrap().is_some());
        assert_eq!(
            store
                .get_obstacle("VM-DEMO-01")
                .await
                .unwrap()
                .unwrap()
                .answer
                .unwrap()
                .by
                .agency,
            "G93"
        );
    }
}
