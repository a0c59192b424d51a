//! Aliases that are also common words, with the default table, in both
//! directions: the entity is found in its own context, and the common word
//! is left alone. For an index a wrong match is worse than a miss.

use std::sync::OnceLock;

use canon::Canon;
use canon::aliases::AliasTable;

fn canon() -> &'static Canon {
    static CANON: OnceLock<Canon> = OnceLock::new();
    CANON.get_or_init(|| Canon::new(AliasTable::load(&[]).expect("default table loads")))
}

/// The (id, surface) pairs canon finds in `text`.
fn mentions(text: &str) -> Vec<(String, String)> {
    canon()
        .analyze(text)
        .entities
        .into_iter()
        .map(|m| (m.id, m.surface))
        .collect()
}

fn finds(text: &str, id: &str, surface: &str) {
    let found = mentions(text);
    assert!(
        found.iter().any(|(i, s)| i == id && s == surface),
        "expected {id} at {surface:?} in {text:?}, found {found:?}"
    );
}

fn leaves_alone(text: &str, surface: &str) {
    let found = mentions(text);
    assert!(
        found
            .iter()
            .all(|(_, s)| !s.contains(surface) && !surface.contains(s.as_str())),
        "expected no mention at {surface:?} in {text:?}, found {found:?}"
    );
}

#[test]
fn apple_the_company_and_the_fruit() {
    finds("Apple said iPhone sales rose in China.", "apple", "Apple");
    finds(
        "苹果公司发布了新款手机，苹果的市值再创新高。",
        "apple",
        "苹果",
    );
    leaves_alone("She baked an apple pie for the fair.", "apple");
    leaves_alone("早餐吃一个苹果，再喝一杯苹果汁。", "苹果");
    finds("蘋果公司發布了新款 iPhone。", "apple", "蘋果公司");
}

#[test]
fn xiaomi_and_millet() {
    finds("小米发布了新款手机，雷军亲自站台。", "xiaomi", "小米");
    leaves_alone("天冷了，早上喝一碗小米粥最舒服。", "小米");
}

#[test]
fn bytedance_and_byte() {
    finds(
        "字节跳动旗下的豆包大模型用户数大增。",
        "bytedance",
        "字节跳动",
    );
    finds(
        "背靠阿里（Qwen）、字节（Seed）的团队数据更多。",
        "bytedance",
        "字节",
    );
    leaves_alone("每个字符占两个字节，文件大小按字节数计算。", "字节");
}

#[test]
fn bytedance_seed_and_a_seed_round() {
    finds(
        "ByteDance (Seed) and Alibaba (Qwen) have their own data.",
        "bytedance-seed",
        "Seed",
    );
    leaves_alone("The start-up closed a seed round of $4m last week.", "seed");
    leaves_alone(
        "Seed funding for robotics start-ups dried up this year.",
        "Seed",
    );
}

#[test]
fn surge_ai_and_a_surge() {
    finds(
        "Data suppliers such as Scale AI or Surge are in demand.",
        "surge-ai",
        "Surge",
    );
    leaves_alone("A surge in demand for memory chips lifted prices.", "surge");
    leaves_alone("Prices surge as supply tightens.", "surge");
}

#[test]
fn moonshot_ai_and_a_moonshot() {
    finds(
        "DeepSeek, Moonshot, and MiniMax are independent labs.",
        "moonshot-ai",
        "Moonshot",
    );
    leaves_alone(
        "The mayor called the tunnel a moonshot project.",
        "moonshot",
    );
}

#[test]
fn united_states_and_us() {
    finds(
        "US chip controls were tightened again.",
        "united-states",
        "US",
    );
    finds(
        "The U.S. blockade policy is ineffective.",
        "united-states",
        "U.S.",
    );
    leaves_alone("Let us know what you think of the model.", "us");
}

#[test]
fn minimax_the_company_and_the_algorithm() {
    finds("MiniMax released a new video model.", "minimax", "MiniMax");
    leaves_alone(
        "The engine uses the minimax algorithm with alpha-beta pruning.",
        "minimax",
    );
}

#[test]
fn alibaba_and_alishan() {
    finds("阿里巴巴发布了新一代通义千问模型。", "alibaba", "阿里巴巴");
    finds("背靠阿里（Qwen）的团队不缺数据。", "alibaba", "阿里");
    leaves_alone("我们去阿里山看日出，山上很冷。", "阿里");
}

#[test]
fn chinese_words_containing_an_alias_do_not_match() {
    leaves_alone("他把小米椒切碎放进锅里。", "小米");
    leaves_alone("苹果树今年结了很多果子。", "苹果");
}
