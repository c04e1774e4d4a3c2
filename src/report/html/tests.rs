use super::*;
use crate::analysis::filter::tests::connection;
use crate::report::model::CaptureReport;

fn page(connections: &[ConnectionReport], capture: &CaptureReport) -> String {
    let mut r = HtmlReport::new(Vec::new());
    for c in connections {
        r.connection(c).unwrap();
    }
    String::from_utf8(r.end(capture).unwrap()).unwrap()
}

#[test]
fn a_page_is_well_formed_and_holds_every_connection() {
    let mut a = connection();
    a.sni = Some("<script>alert(1)</script>\u{1b}[2J".into());
    let mut b = connection();
    b.id = 8;
    let html = page(&[a, b], &CaptureReport::default());
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(&html, options).expect("well-formed");
    let bodies: Vec<_> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("conn"))
        .map(|n| n.attribute("id").unwrap())
        .collect();
    assert_eq!(bodies, ["conn-7", "conn-8"]);
    assert!(!html.contains("<script>alert"), "capture text is escaped");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;\\x1b[2J"));
    // Nothing is fetched: no element names another resource.
    for n in doc.descendants() {
        for attr in ["src", "href"] {
            assert!(n.attribute(attr).is_none(), "{:?} has {attr}", n.tag_name());
        }
    }
    assert_eq!(
        doc.descendants().filter(|n| n.has_tag_name("svg")).count(),
        2
    );
}

#[test]
fn rows_and_details_are_capped_and_the_page_says_so() {
    let mut r = HtmlReport::new(io::sink());
    r.rows = MAX_ROWS - 1;
    r.details = MAX_DETAILS;
    let c = connection();
    r.connection(&c).unwrap();
    r.connection(&c).unwrap();
    assert_eq!(
        (r.rows, r.rows_omitted, r.details_omitted),
        (MAX_ROWS, 1, 1)
    );
    let mut r = HtmlReport::new(Vec::new());
    r.rows = MAX_ROWS;
    r.details = MAX_DETAILS;
    r.connection(&c).unwrap();
    let html = String::from_utf8(r.end(&CaptureReport::default()).unwrap()).unwrap();
    assert!(
        html.contains("1 more connections are not in this page"),
        "{html}"
    );
}
