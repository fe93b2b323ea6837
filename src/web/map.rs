//! Maps of a lot's area as inline SVG, drawn from the municipality outlines
//! compiled into the binary (`data/reference/kommuner_2024_outlines.txt`,
//! Kartverket, CC BY 4.0): no tiles, scripts or fonts from elsewhere, which
//! the pages' content security policy would refuse anyway.
//!
//! Each municipality's outline is written once per page, in a hidden `<defs>`,
//! and every map places it with `<use>`: a national procurement has a hundred
//! maps of the same 357 outlines, and repeating the paths would make the page
//! megabytes. The outlines are in thousandths of a degree (x east, y south);
//! a map squeezes x by cos(latitude) at its middle, a plain equirectangular
//! projection that keeps shapes right at the scale of a county.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;
use std::sync::OnceLock;

use maud::{html, Markup};

use crate::reference::{reference, MunicipalityRecord};

/// The area, and the rest of its counties.
const ON: &str = "#0b5394";
const OFF: &str = "#d5dce4";

const OUTLINES: &str = include_str!("../../data/reference/kommuner_2024_outlines.txt");

struct Outline {
    /// min x, min y, max x, max y, with y growing southwards (SVG's way).
    bbox: [i32; 4],
    /// SVG path data; relative moves keep it as short as the file.
    path: String,
}

fn outlines() -> &'static HashMap<&'static str, Outline> {
    static OUTLINES_BY_NUMBER: OnceLock<HashMap<&'static str, Outline>> = OnceLock::new();
    OUTLINES_BY_NUMBER.get_or_init(|| parse(OUTLINES))
}

/// Lines the file does not hold as documented are skipped: the file is part
/// of the build, and a test holds it to all 357 municipalities.
fn parse(text: &'static str) -> HashMap<&'static str, Outline> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|line| {
            let (number, rings) = line.split_once(' ')?;
            outline(rings).map(|o| (number, o))
        })
        .collect()
}

fn outline(rings: &str) -> Option<Outline> {
    let mut bbox = [i32::MAX, i32::MAX, i32::MIN, i32::MIN];
    let mut path = String::with_capacity(rings.len() + 16);
    for ring in rings.split('|') {
        let mut at = (0i32, 0i32);
        for (i, pair) in ring.split(' ').enumerate() {
            let (a, b) = pair.split_once(',')?;
            let (x, y) = (a.parse::<i32>().ok()?, b.parse::<i32>().ok()?);
            // The file counts latitude northwards; SVG's y grows downwards.
            if i == 0 {
                at = (x, -y);
                let _ = write!(path, "M{} {}l", at.0, at.1);
            } else {
                at = (at.0.checked_add(x)?, at.1.checked_sub(y)?);
                let _ = write!(path, "{x} {} ", -y);
            }
            bbox = [
                bbox[0].min(at.0),
                bbox[1].min(at.1),
                bbox[2].max(at.0),
                bbox[3].max(at.1),
            ];
        }
        path = path.trim_end().to_string();
        path.push('z');
    }
    (bbox[0] <= bbox[2]).then_some(Outline { bbox, path })
}

/// The outlines that the maps of a page place, once, out of sight. Must come
/// before or after the maps in the same document; the order does not matter.
pub fn outline_defs<'a>(numbers: impl IntoIterator<Item = &'a str>) -> Markup {
    let all = outlines();
    let numbers: BTreeSet<&str> = numbers.into_iter().collect();
    html! {
        svg.defs width="0" height="0" aria-hidden="true" focusable="false" {
            defs {
                @for n in numbers {
                    @if let Some(o) = all.get(n) {
                        path id=(format!("k{n}")) d=(o.path) fill-rule="evenodd"
                            vector-effect="non-scaling-stroke" {}
                    }
                }
            }
        }
    }
}

/// The municipalities drawn around an area: every municipality of the
/// counties it touches, so that the reader sees where the area lies.
pub fn context_of(area: &[String]) -> Vec<&'static MunicipalityRecord> {
    let counties: BTreeSet<&str> = area.iter().filter_map(|m| m.get(..2)).collect();
    reference()
        .municipalities
        .iter()
        .filter(|m| counties.contains(m.county.as_str()))
        .collect()
}

/// The maps of one page. Lots with the same area (the trades of one county,
/// the national lots) share a drawing: the first map of an area holds it,
/// the others place it with one `<use>`.
#[derive(Default)]
pub struct Atlas {
    drawn: HashMap<Vec<String>, usize>,
}

impl Atlas {
    /// A map of `area` (municipality numbers) in its counties, the area
    /// highlighted; each municipality is named in a `<title>` (a tooltip,
    /// and what a screen reader reads). Needs `outline_defs` of
    /// `context_of(area)` on the page.
    pub fn map(&mut self, area: &[String], label: &str) -> Markup {
        let mut key = area.to_vec();
        key.sort();
        key.dedup();
        let all = outlines();
        let context = context_of(&key);
        let mut bbox = [i32::MAX, i32::MAX, i32::MIN, i32::MIN];
        for m in &context {
            if let Some(o) = all.get(m.number.as_str()) {
                bbox = [
                    bbox[0].min(o.bbox[0]),
                    bbox[1].min(o.bbox[1]),
                    bbox[2].max(o.bbox[2]),
                    bbox[3].max(o.bbox[3]),
                ];
            }
        }
        if bbox[0] > bbox[2] {
            return html! {};
        }
        let middle_latitude = -f64::from(bbox[1] + bbox[3]) / 2000.0;
        let squeeze = middle_latitude.to_radians().cos();
        let (x0, y0) = (f64::from(bbox[0]) * squeeze, f64::from(bbox[1]));
        let (w, h) = (
            f64::from(bbox[2] - bbox[0]) * squeeze,
            f64::from(bbox[3] - bbox[1]),
        );
        let pad = w.max(h) * 0.02;
        let view_box = format!(
            "{:.0} {:.0} {:.0} {:.0}",
            x0 - pad,
            y0 - pad,
            w + 2.0 * pad,
            h + 2.0 * pad
        );
        let next = self.drawn.len();
        let (drawing, first) = match self.drawn.get(&key) {
            Some(&n) => (n, false),
            None => {
                self.drawn.insert(key.clone(), next);
                (next, true)
            }
        };
        let inside: BTreeSet<&str> = key.iter().map(String::as_str).collect();
        html! {
            svg.map viewBox=(view_box) role="img" aria-label=(label) preserveAspectRatio="xMidYMid meet" {
                title { (label) }
                @if first {
                    // Attributes, not the page's CSS: a drawing placed again by
                    // `<use>` is a copy in a shadow tree, which selectors do not reach.
                    // Set once on the group and inherited: the rest of the counties
                    // by default, the area's municipalities marked (a national page
                    // places thousands of outlines, so every repeated byte counts).
                    g id=(format!("area{drawing}")) transform=(format!("scale({squeeze:.5} 1)"))
                        fill=(OFF) stroke="#fff" stroke-width="0.6" {
                        @for m in &context {
                            @let on = inside.contains(m.number.as_str());
                            @if on {
                                use href=(format!("#k{}", m.number)) class="on" fill=(ON) {
                                    title { (m.name) }
                                }
                            } @else {
                                use href=(format!("#k{}", m.number)) {
                                    title { (m.name) " (ikke med)" }
                                }
                            }
                        }
                    }
                } @else {
                    use href=(format!("#area{drawing}")) {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_municipality_of_the_reference_has_an_outline() {
        let all = outlines();
        assert_eq!(all.len(), 357);
        for m in &reference().municipalities {
            let o = all.get(m.number.as_str()).expect(&m.number);
            assert!(o.path.starts_with('M') && o.path.ends_with('z'));
        }
        // Bergen lies about 5.3° east, 60.4° north.
        let bergen = &all["4601"].bbox;
        assert!((4_800..5_800).contains(&bergen[0]), "{bergen:?}");
        assert!((-60_700..-60_100).contains(&bergen[1]), "{bergen:?}");
    }

    #[test]
    fn a_ring_is_read_from_its_first_point_and_differences() {
        let o = outline("10,20 5,0 0,5|1,1 1,0 0,1").expect("an outline");
        assert_eq!(o.bbox, [1, -25, 15, -1]);
        assert_eq!(o.path, "M10 -20l5 0 0 -5zM1 -1l1 0 0 -1z");
        assert!(outline("10,x 1,1").is_none());
    }

    #[test]
    fn a_map_highlights_the_area_among_its_counties() {
        let area = vec!["4601".to_string(), "4631".to_string()];
        let mut atlas = Atlas::default();
        let svg = atlas.map(&area, "Område").into_string();
        let vestland = reference().municipalities_in_county("46").count();
        assert_eq!(svg.matches("<use ").count(), vestland);
        assert_eq!(svg.matches("class=\"on\"").count(), 2);
        assert!(svg.contains("<title>Bergen</title>"), "{svg}");
        let again = atlas.map(&area, "Område igjen").into_string();
        assert!(again.contains("<use href=\"#area0\">"), "{again}");
        assert_eq!(
            again.matches("<use ").count(),
            1,
            "the same area is drawn once"
        );
        let defs = outline_defs(context_of(&area).iter().map(|m| m.number.as_str())).into_string();
        assert_eq!(defs.matches("<path ").count(), vestland);
    }
}
