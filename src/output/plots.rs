//! The plots of a run, sweep or comparison, each drawn as SVG from the output directory's
//! files ([`OutputDir`]) and rasterised to PNG.
//!
//! - `headline`: the scenario's focus measures, then the headline measures, against the swept
//!   value with 95% CI bands (a numeric sweep), or each arm's estimate with its 95% CI (a
//!   comparison or a sweep over words), every arm's label whole;
//! - `main_effects`: a sweep crossing two or more settings, each setting's values averaged
//!   over the others ([`effects`]);
//! - `survival`: Kaplan–Meier curves of time to first proven reoffence and to breach, by arm,
//!   with 95% bands;
//! - `outcomes`: how orders started in the measurement window stood at the end, per arm;
//! - `reoffending_by_tier`: proven reoffending by risk tier and arm, with 95% CIs;
//! - `timeseries`: cases per case manager, cases waiting for allocation and people on service
//!   waiting lists, week by week.
//!
//! Text is measured with ab_glyph (plotters) in Noto Sans, embedded in the binary, and the PNG
//! is the SVG rendered by resvg with the same embedded font, whose text layout shapes each line
//! (advances and kerning) as a browser does — plotters' own bitmap text placed each glyph apart
//! and read unevenly. Plots draw the same on a machine with no fonts installed. Colours are the
//! Okabe–Ito palette, which readers with any common colour-vision deficiency can tell apart;
//! a sweep of more than eight arms is drawn by the values of its first setting (see
//! [`series`]), not in eighteen shades of one colour map. A share's axis starts at zero.

use std::error::Error as StdError;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::register_font;

use crate::error::Error;
use crate::experiment::Kind;
use crate::metrics::{Measure, Unit, measure};
use crate::output::effects::{self, key_label};
use crate::output::report::focus_first;
use crate::output::results::{ArmResults, Estimate, OutputDir, SurvivalPoint};
use crate::scenario::RiskTier;

type DrawResult = Result<(), Box<dyn StdError>>;

/// A plot drawn both ways.
pub struct Figure {
    /// File stem: `headline` → `headline.png`, `headline.svg`.
    pub name: &'static str,
    pub title: String,
    /// What the plot shows, in a sentence, for the report.
    pub caption: String,
    pub svg: String,
    pub png: Vec<u8>,
}

const FONT: &str = "sans-serif";
pub(crate) const TITLE_SIZE: u32 = 26;
pub(crate) const PANEL_SIZE: u32 = 19;
pub(crate) const LABEL_SIZE: u32 = 15;

pub(crate) fn register_fonts() {
    static FONTS: Once = Once::new();
    FONTS.call_once(|| {
        // The fonts are compiled in and valid; a failure here would be a broken build.
        register_font(FONT, FontStyle::Normal, ttf_noto_sans::REGULAR)
            .unwrap_or_else(|_| panic!("the embedded Noto Sans Regular is a valid font"));
        register_font(FONT, FontStyle::Bold, ttf_noto_sans::BOLD)
            .unwrap_or_else(|_| panic!("the embedded Noto Sans Bold is a valid font"));
    });
}

/// The Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"), in the order used for
/// arms: blue, vermillion, bluish green, orange, sky blue, reddish purple, black, yellow.
pub(crate) const OKABE_ITO: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(204, 121, 167),
    RGBColor(0, 0, 0),
    RGBColor(240, 228, 66),
];

/// Arm `i` of `n`'s colour: Okabe–Ito for up to eight arms, else viridis from dark to light
/// (stopping short of its palest yellow, which is hard to see on white).
fn arm_colour(i: usize, n: usize) -> RGBColor {
    if n <= OKABE_ITO.len() {
        OKABE_ITO[i]
    } else {
        ViridisRGB.get_color(0.9 * i as f64 / (n - 1) as f64)
    }
}

pub(crate) const GRID: RGBColor = RGBColor(225, 225, 225);

/// How a unit reads on an axis.
trait Axis {
    fn axis(self) -> String;
    fn tick(self, v: f64) -> String;
}

impl Axis for Unit {
    fn axis(self) -> String {
        match self {
            Unit::Share => "%".into(),
            Unit::Score => "0 to 1".into(),
            Unit::Count(what) => what.into(),
            Unit::Weeks => "weeks".into(),
            Unit::Hours => "hours a week".into(),
            Unit::Money(per) => format!("£ {per}"),
        }
    }

    fn tick(self, v: f64) -> String {
        match self {
            Unit::Share => format!("{}", round_tick(v * 100.0)),
            Unit::Money(_) if v.abs() >= 1000.0 => format!("{:.0}k", v / 1000.0),
            _ => format!("{}", round_tick(v)),
        }
    }
}

/// A tick value without float noise (ticks fall on round numbers, so three decimals show
/// every one that differs).
fn round_tick(v: f64) -> f64 {
    let r = (v * 1000.0).round() / 1000.0;
    if r == 0.0 { 0.0 } else { r }
}

/// The headline measures a planner looks at first; recall appears when the files have it.
pub(crate) const HEADLINES: [&str; 9] = [
    "completion_rate",
    "breach_rate",
    "reoffending_rate",
    "recall_rate",
    "contact_delivery_rate",
    "needs_met_rate",
    "mean_caseload",
    "mean_service_wait_weeks",
    "cost",
];

/// The declarations of the headline measures (labels and units from the measure table).
pub(crate) fn headline_measures() -> impl Iterator<Item = &'static Measure> {
    HEADLINES
        .iter()
        .map(|name| measure(name).unwrap_or_else(|| unreachable!("{name} is a measure")))
}

/// Draws every plot that the directory's results allow, in the report's order.
pub fn figures(dir: &OutputDir) -> Result<Vec<Figure>, Error> {
    plots(dir).iter().map(|p| draw(p.as_ref(), true)).collect()
}

/// As [`figures`], as SVG only (each figure's `png` is empty), for a page that is redrawn
/// while people watch (`casesim serve`): the PNGs cost most of the drawing time.
pub fn svg_figures(dir: &OutputDir) -> Result<Vec<Figure>, Error> {
    plots(dir).iter().map(|p| draw(p.as_ref(), false)).collect()
}

/// The plots that the directory's results allow, in the report's order.
fn plots(dir: &OutputDir) -> Vec<Box<dyn Plot + '_>> {
    register_fonts();
    let mut plots: Vec<Box<dyn Plot + '_>> = Vec::new();
    if dir.kind != Kind::Run {
        plots.push(Box::new(Headline::new(dir)));
    }
    if effects::factors(dir).len() > 1 {
        plots.push(Box::new(MainEffects::new(dir)));
    }
    plots.push(Box::new(SurvivalCurves { dir }));
    plots.push(Box::new(Outcomes { dir }));
    plots.push(Box::new(ReoffendingByTier { dir }));
    plots.push(Box::new(Timeseries { dir }));
    plots
}

/// One kind of plot. Drawing is generic over the backend so each plot is written once and
/// drawn as SVG and as PNG.
pub(crate) trait Plot {
    fn name(&self) -> &'static str;
    fn title(&self) -> String;
    fn caption(&self) -> String;
    fn size(&self) -> (u32, u32) {
        (1200, 800)
    }
    fn draw_svg(&self, root: &DrawingArea<SVGBackend, Shift>) -> DrawResult;
}

/// Implements [`Plot`]'s drawing with the plot's generic `draw_on` (kept generic over the
/// backend so a plot is written once, whatever it is drawn on).
macro_rules! both_backends {
    () => {
        fn draw_svg(&self, root: &DrawingArea<SVGBackend, Shift>) -> DrawResult {
            self.draw_on(root)
        }
    };
}

/// Draws a plot as SVG and, when `png`, as PNG.
pub(crate) fn draw(plot: &dyn Plot, png: bool) -> Result<Figure, Error> {
    let (w, h) = plot.size();
    let fail = |e: Box<dyn StdError>| Error::Draw {
        figure: plot.name().to_string(),
        message: e.to_string(),
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        plot.draw_svg(&root).map_err(fail)?;
        root.present().map_err(|e| fail(e.into()))?;
    }
    if !png {
        return Ok(Figure {
            name: plot.name(),
            title: plot.title(),
            caption: plot.caption(),
            svg,
            png: Vec::new(),
        });
    }
    Ok(Figure {
        name: plot.name(),
        title: plot.title(),
        caption: plot.caption(),
        png: rasterise(&svg, w, h).map_err(fail)?,
        svg,
    })
}

/// The fonts resvg lays text out with: the embedded Noto Sans, regular and bold, standing for
/// every generic family (plotters writes `font-family="sans-serif"`), and no system font.
fn svg_options() -> &'static resvg::usvg::Options<'static> {
    static OPTIONS: std::sync::OnceLock<resvg::usvg::Options<'static>> = std::sync::OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut options = resvg::usvg::Options {
            font_family: "Noto Sans".into(),
            ..Default::default()
        };
        let fonts = options.fontdb_mut();
        fonts.load_font_data(ttf_noto_sans::REGULAR.to_vec());
        fonts.load_font_data(ttf_noto_sans::BOLD.to_vec());
        fonts.set_sans_serif_family("Noto Sans");
        fonts.set_serif_family("Noto Sans");
        fonts.set_monospace_family("Noto Sans");
        options
    })
}

/// The PNG of a plot: its SVG rasterised by resvg on white, so the bitmap's text is shaped
/// (glyph advances and kerning from the font) exactly as a browser shapes the SVG's.
fn rasterise(svg: &str, w: u32, h: u32) -> Result<Vec<u8>, Box<dyn StdError>> {
    let tree = resvg::usvg::Tree::from_str(svg, svg_options())?;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(w, h).ok_or("a plot has no area")?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    let size = tree.size();
    let transform =
        resvg::tiny_skia::Transform::from_scale(w as f32 / size.width(), h as f32 / size.height());
    resvg::render(&tree, transform, &mut pixmap.as_mut());
    // Opaque on white, so premultiplied RGBA is plain RGB.
    let rgb: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    Ok(encode_png(&rgb, w, h)?)
}

fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, png::EncodingError> {
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        // Plots are mostly flat colour: adaptive filtering with strong compression makes the
        // files several times smaller for little time.
        encoder.set_compression(png::Compression::Best);
        encoder.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(rgb)?;
    }
    Ok(bytes)
}

pub(crate) fn font(size: u32) -> TextStyle<'static> {
    (FONT, size).into_font().color(&BLACK)
}

pub(crate) fn bold(size: u32) -> TextStyle<'static> {
    (FONT, size)
        .into_font()
        .style(FontStyle::Bold)
        .color(&BLACK)
}

/// White background, the title on top; returns the area below it.
pub(crate) fn titled<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
) -> Result<DrawingArea<DB, Shift>, Box<dyn StdError>>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    Ok(root.titled(title, bold(TITLE_SIZE))?)
}

/// Splits off a legend strip at the bottom of `area` and draws the entries in it, as many
/// to a row as fit; returns the area above.
fn with_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(String, RGBColor, Swatch)],
) -> Result<DrawingArea<DB, Shift>, Box<dyn StdError>>
where
    DB::ErrorType: 'static,
{
    if entries.is_empty() {
        return Ok(area.clone());
    }
    let style = font(LABEL_SIZE);
    let (width, _) = area.dim_in_pixel();
    let widest = entries
        .iter()
        .map(|(label, _, _)| area.estimate_text_size(label, &style).map(|(w, _)| w))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .max()
        .unwrap_or(0);
    let cell = widest + 50;
    let per_row = ((width.saturating_sub(40)) / cell).max(1) as usize;
    let rows = entries.len().div_ceil(per_row) as u32;
    let row_height = LABEL_SIZE + 10;
    let (height, _) = (area.dim_in_pixel().1, ());
    let (plots, legend) = area.split_vertically(height.saturating_sub(rows * row_height + 12));
    for (k, (label, colour, swatch)) in entries.iter().enumerate() {
        let x = 20 + (k % per_row) as i32 * cell as i32;
        let y = 6 + (k / per_row) as i32 * row_height as i32 + row_height as i32 / 2;
        match swatch {
            Swatch::Line => legend.draw(&PathElement::new(
                vec![(x, y), (x + 30, y)],
                colour.stroke_width(3),
            ))?,
            Swatch::Block => legend.draw(&Rectangle::new(
                [(x, y - 7), (x + 30, y + 7)],
                colour.filled(),
            ))?,
        }
        legend.draw(&Text::new(
            label.clone(),
            (x + 38, y - LABEL_SIZE as i32 / 2 - 2),
            style.clone(),
        ))?;
    }
    Ok(plots)
}

#[derive(Clone, Copy)]
enum Swatch {
    Line,
    Block,
}

/// One line (or bar) of a plot that draws the arms: an arm, or, in a sweep of more than
/// eight arms, the arms at one value of its first setting, averaged — eighteen lines of
/// near-identical colours cannot be told apart, three in Okabe–Ito can.
struct Series {
    label: String,
    colour: RGBColor,
    arms: Vec<usize>,
}

/// The series of the arm-by-arm plots: one per arm for up to eight arms; above that, one per
/// value of the sweep's first setting ([`effects::factors`]) when it has eight values or
/// fewer; else one per arm, coloured along viridis.
fn series(dir: &OutputDir) -> Vec<Series> {
    let n = dir.arms.len();
    if n > OKABE_ITO.len()
        && let Some(first) = effects::factors(dir).into_iter().next()
        && first.levels.len() <= OKABE_ITO.len()
        && first.levels.len() > 1
    {
        let levels = first.levels.len();
        return (0..levels)
            .map(|l| Series {
                label: format!(
                    "{} (mean of {} arms)",
                    first.level_label(l),
                    first.levels[l].arms.len()
                ),
                colour: arm_colour(l, levels),
                arms: first.levels[l].arms.clone(),
            })
            .collect();
    }
    dir.arms
        .iter()
        .enumerate()
        .map(|(i, a)| Series {
            label: a.label.clone(),
            colour: arm_colour(i, n),
            arms: vec![i],
        })
        .collect()
}

/// Each arm's colour: its own, or its series' when arms are averaged by the sweep's first
/// setting (so the arm-by-arm plots colour the arms as the averaged ones colour the lines).
fn arm_colours(dir: &OutputDir) -> Vec<RGBColor> {
    let mut colours = vec![BLACK; dir.arms.len()];
    for s in series(dir) {
        for &i in &s.arms {
            colours[i] = s.colour;
        }
    }
    colours
}

/// Whether the plots average arms by the sweep's first setting (see [`series`]).
fn grouped(dir: &OutputDir) -> bool {
    series(dir).len() < dir.arms.len()
}

/// A sentence for a caption when the arms are averaged by the first setting.
fn grouped_note(dir: &OutputDir) -> String {
    match effects::factors(dir).first() {
        Some(f) if grouped(dir) => format!(
            " With {} arms, each line or bar is the mean of the arms at one value of {}, over \
             the other settings, drawn without an interval; the main-effects plot and the \
             report's tables show every setting.",
            dir.arms.len(),
            f.name()
        ),
        _ => String::new(),
    }
}

fn arm_legend(dir: &OutputDir) -> Vec<(String, RGBColor, Swatch)> {
    if dir.arms.len() < 2 {
        return Vec::new();
    }
    series(dir)
        .into_iter()
        .map(|s| (s.label, s.colour, Swatch::Line))
        .collect()
}

/// A range around the values, padded by 6% (or a little when they are all equal).
fn padded(values: impl IntoIterator<Item = f64>) -> std::ops::Range<f64> {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.into_iter().filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return 0.0..1.0;
    }
    let pad = if hi > lo {
        (hi - lo) * 0.06
    } else {
        lo.abs() * 0.1 + 1e-3
    };
    drawable(lo - pad, hi + pad)
}

/// A range that plotters can draw ticks on in a few steps, whatever the values: both ends
/// finite and within ±1e300 (so the width is finite), and a width of at least a millionth of
/// their size (a narrower range of large numbers made plotters' tick loop add a step that
/// rounds to nothing, for ever). Values read from a directory are finite but may be anything.
fn drawable(lo: f64, hi: f64) -> std::ops::Range<f64> {
    const LIMIT: f64 = 1e300;
    if !lo.is_finite() || !hi.is_finite() || lo > hi {
        return 0.0..1.0;
    }
    let (lo, hi) = (lo.clamp(-LIMIT, LIMIT), hi.clamp(-LIMIT, LIMIT));
    let least = lo.abs().max(hi.abs()) * 1e-6 + 1e-9;
    if hi - lo >= least {
        lo..hi
    } else {
        let middle = lo / 2.0 + hi / 2.0;
        (middle - least)..(middle + least)
    }
}

/// The width in pixels of the widest of `labels` in `style` (labels are drawn whole, never
/// cut: the plot makes room for them).
fn text_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    labels: &[String],
    style: &TextStyle,
) -> Result<u32, Box<dyn StdError>>
where
    DB::ErrorType: 'static,
{
    let mut widest = 0;
    for label in labels {
        widest = widest.max(area.estimate_text_size(label, style)?.0);
    }
    Ok(widest)
}

/// The range of a panel's value axis: from zero for a share, so that a rate's size reads
/// true; around the values (padded) for other units.
fn value_range(unit: Unit, values: &[f64]) -> std::ops::Range<f64> {
    if unit != Unit::Share {
        return padded(values.iter().copied());
    }
    let top = values
        .iter()
        .filter(|v| v.is_finite())
        .fold(0.0f64, |a, &b| a.max(b));
    drawable(0.0, (top * 1.08).max(0.01))
}

/// Marks a cut value axis: a zigzag across the axis line near its start, in the style of a
/// broken axis, at pixel `(x, y)` of the axis line.
fn draw_axis_break<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    vertical: bool,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let (a, b) = if vertical {
        ((x - 7, y + 3), (x + 7, y - 3))
    } else {
        ((x - 3, y + 7), (x + 3, y - 7))
    };
    let shift = |p: (i32, i32), d: i32| {
        if vertical {
            (p.0, p.1 - d)
        } else {
            (p.0 + d, p.1)
        }
    };
    area.draw(&Polygon::new(
        vec![a, b, shift(b, 6), shift(a, 6)],
        WHITE.filled(),
    ))?;
    area.draw(&PathElement::new(vec![a, b], BLACK.stroke_width(1)))?;
    area.draw(&PathElement::new(
        vec![shift(a, 6), shift(b, 6)],
        BLACK.stroke_width(1),
    ))?;
    Ok(())
}

/// An f64 axis for `n` categories at 0, 1, ..., n − 1; ask for `n` labels on it.
fn categories(n: usize) -> std::ops::Range<f64> {
    -0.5..n as f64 - 0.5
}

/// Arm `i` of `n`'s row on a vertical category axis: the first arm on top.
fn arm_row(i: usize, n: usize) -> f64 {
    (n - 1 - i) as f64
}

/// The label of the arm at a vertical axis position (see [`arm_row`]), or none between rows.
fn arm_at_row(v: f64, labels: &[String]) -> String {
    category(v)
        .and_then(|row| (labels.len().checked_sub(1)?).checked_sub(row))
        .and_then(|i| labels.get(i).cloned())
        .unwrap_or_default()
}

/// The category at an axis position, when the position is one.
fn category(v: f64) -> Option<usize> {
    ((v - v.round()).abs() < 1e-6 && v >= -1e-6).then(|| v.round() as usize)
}

// ---------------------------------------------------------------------------------------------
// Headline metrics

/// One line of a numeric sweep: the arms that share the other keys' values.
struct SweepLine {
    /// The other keys' values (empty when there is one line).
    label: String,
    colour: RGBColor,
    /// (x, arm index), in x order.
    points: Vec<(f64, usize)>,
}

/// How a sweep's arms lie along an axis.
enum Layout {
    /// The first varied key is numeric: x is its value; one line per combination of the other
    /// keys (or one line, when they moved in step with it).
    Numeric {
        key: String,
        lines: Vec<SweepLine>,
        /// Keys that moved in step with the first, for the axis label.
        in_step: Vec<String>,
    },
    /// One row per arm.
    Categorical,
}

struct Headline<'a> {
    dir: &'a OutputDir,
    measures: Vec<&'static Measure>,
    layout: Layout,
}

impl<'a> Headline<'a> {
    fn new(dir: &'a OutputDir) -> Self {
        // The scenario's focus measures first.
        let measures = focus_first(dir, headline_measures());
        Headline {
            dir,
            measures,
            layout: layout(dir),
        }
    }

    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let area = titled(root, &self.title())?;
        let legend = match &self.layout {
            Layout::Numeric { lines, .. } if lines.len() > 1 => lines
                .iter()
                .map(|l| (l.label.clone(), l.colour, Swatch::Line))
                .collect(),
            // Arms coloured by the value of the sweep's first setting: which colour is which.
            Layout::Categorical if grouped(self.dir) => effects::factors(self.dir)
                .first()
                .map(|f| {
                    let n = f.levels.len();
                    (0..n)
                        .map(|l| (f.level_label(l), arm_colour(l, n), Swatch::Block))
                        .collect()
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        let area = with_legend(&area, &legend)?;
        let cols = 3;
        let rows = self.measures.len().div_ceil(cols);
        match &self.layout {
            Layout::Numeric {
                key,
                lines,
                in_step,
            } => {
                let panels = area.split_evenly((rows, cols));
                for (measure, panel) in self.measures.iter().zip(&panels) {
                    self.numeric_panel(panel, measure, key, lines, in_step)?;
                }
            }
            Layout::Categorical => {
                // The arms' labels, whole, once at the left of each row of panels.
                let labels: Vec<String> = self.dir.arms.iter().map(|a| a.label.clone()).collect();
                // Room for the tick marks and the gap before them besides the text.
                let label_width = text_width(&area, &labels, &font(LABEL_SIZE - 2))? + 48;
                let (width, _) = area.dim_in_pixel();
                let panel_width = width.saturating_sub(label_width) / cols as u32;
                for (r, row) in area.split_evenly((rows, 1)).iter().enumerate() {
                    let (first, rest) = row.split_horizontally(label_width + panel_width);
                    let mut panels = vec![first];
                    panels.extend(rest.split_evenly((1, cols - 1)));
                    for (c, panel) in panels.iter().enumerate() {
                        if let Some(measure) = self.measures.get(r * cols + c) {
                            let area = if c == 0 { label_width } else { 12 };
                            self.categorical_panel(panel, measure, &labels, area, c == 0)?;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn numeric_panel<DB: DrawingBackend>(
        &self,
        panel: &DrawingArea<DB, Shift>,
        m: &Measure,
        key: &str,
        lines: &[SweepLine],
        in_step: &[String],
    ) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let arms = &self.dir.arms;
        let estimate = |i: usize| arms[i].stats.get(m.name).copied().unwrap_or_default();
        let xs = padded(lines.iter().flat_map(|l| l.points.iter().map(|p| p.0)));
        let values: Vec<f64> = lines
            .iter()
            .flat_map(|l| {
                l.points.iter().flat_map(move |&(_, i)| {
                    let e = estimate(i);
                    [e.ci_low, e.mean, e.ci_high].into_iter().flatten()
                })
            })
            .collect();
        let ys = value_range(m.unit, &values);
        let mut chart = ChartBuilder::on(panel)
            .caption(m.title(), bold(PANEL_SIZE))
            .margin(8)
            .x_label_area_size(44)
            .y_label_area_size(56)
            .build_cartesian_2d(xs, ys)?;
        let mut x_desc = key_label(key);
        if !in_step.is_empty() {
            x_desc.push_str(" (");
            x_desc.push_str(&in_step.join(", "));
            x_desc.push_str(" in step)");
        }
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .bold_line_style(GRID)
            .x_desc(x_desc)
            .y_desc(m.unit.axis())
            .x_labels(6)
            .y_labels(6)
            .x_label_formatter(&|v| format!("{}", round_tick(*v)))
            .y_label_formatter(&|v| m.unit.tick(*v))
            .label_style(font(LABEL_SIZE - 2))
            .axis_desc_style(font(LABEL_SIZE - 1))
            .draw()?;
        for SweepLine { colour, points, .. } in lines {
            let defined: Vec<(f64, f64, f64, f64)> = points
                .iter()
                .filter_map(|&(x, i)| {
                    let e = estimate(i);
                    Some((x, e.mean?, e.ci_low.or(e.mean)?, e.ci_high.or(e.mean)?))
                })
                .collect();
            let band: Vec<(f64, f64)> = defined
                .iter()
                .map(|p| (p.0, p.3))
                .chain(defined.iter().rev().map(|p| (p.0, p.2)))
                .collect();
            chart.draw_series(std::iter::once(Polygon::new(band, colour.mix(0.2))))?;
            chart.draw_series(LineSeries::new(
                defined.iter().map(|p| (p.0, p.1)),
                colour.stroke_width(2),
            ))?;
            chart.draw_series(
                defined
                    .iter()
                    .map(|p| Circle::new((p.0, p.1), 3, colour.filled())),
            )?;
        }
        Ok(())
    }

    fn categorical_panel<DB: DrawingBackend>(
        &self,
        panel: &DrawingArea<DB, Shift>,
        m: &Measure,
        labels: &[String],
        label_area: u32,
        labelled: bool,
    ) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let arms = &self.dir.arms;
        let n = arms.len();
        let estimates: Vec<_> = arms
            .iter()
            .map(|a| a.stats.get(m.name).copied().unwrap_or_default())
            .collect();
        let values: Vec<f64> = estimates
            .iter()
            .flat_map(|e| [e.ci_low, e.mean, e.ci_high].into_iter().flatten())
            .collect();
        let xs = value_range(m.unit, &values);
        let mut chart = ChartBuilder::on(panel)
            .caption(m.title(), bold(PANEL_SIZE))
            .margin(8)
            .x_label_area_size(40)
            .y_label_area_size(label_area)
            .build_cartesian_2d(xs, categories(n))?;
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .bold_line_style(GRID)
            .x_desc(m.unit.axis())
            .x_labels(5)
            .x_label_formatter(&|v| m.unit.tick(*v))
            .y_labels(n)
            .y_label_formatter(&|v| {
                if labelled {
                    arm_at_row(*v, labels)
                } else {
                    String::new()
                }
            })
            .label_style(font(LABEL_SIZE - 2))
            .axis_desc_style(font(LABEL_SIZE - 1))
            .draw()?;
        let colours = arm_colours(self.dir);
        for (i, e) in estimates.iter().enumerate() {
            let Some(mean) = e.mean else { continue };
            let colour = colours[i];
            chart.draw_series(std::iter::once(ErrorBar::new_horizontal(
                arm_row(i, n),
                e.ci_low.unwrap_or(mean),
                mean,
                e.ci_high.unwrap_or(mean),
                colour.stroke_width(2),
                10,
            )))?;
            chart.draw_series(std::iter::once(Circle::new(
                (mean, arm_row(i, n)),
                4,
                colour.filled(),
            )))?;
        }
        Ok(())
    }
}

/// How a sweep's arms lie: along the first varied key when its values are all numbers.
fn layout(dir: &OutputDir) -> Layout {
    if dir.kind != Kind::Sweep || dir.varied_keys.is_empty() {
        return Layout::Categorical;
    }
    let x_of = |a: &ArmResults| a.varied.first().and_then(|(_, v)| v.parse::<f64>().ok());
    if dir.arms.iter().any(|a| x_of(a).is_none()) || dir.arms.len() < 2 {
        return Layout::Categorical;
    }
    // Arms grouped by the values of the other keys.
    let mut groups: Vec<SweepLine> = Vec::new();
    for (i, arm) in dir.arms.iter().enumerate() {
        let others: Vec<String> = arm.varied[1..]
            .iter()
            .map(|(k, v)| format!("{} {}", key_label(k), effects::value_words(k, v)))
            .collect();
        let label = others.join(" ");
        let x = x_of(arm).expect("checked above");
        match groups.iter_mut().find(|g| g.label == label) {
            Some(g) => g.points.push((x, i)),
            None => groups.push(SweepLine {
                label,
                colour: BLACK,
                points: vec![(x, i)],
            }),
        }
    }
    let in_step = groups.len() == dir.arms.len() && dir.varied_keys.len() > 1;
    let mut lines: Vec<SweepLine> = if in_step {
        vec![SweepLine {
            label: String::new(),
            colour: OKABE_ITO[0],
            points: groups.iter().map(|g| g.points[0]).collect(),
        }]
    } else {
        let n = groups.len();
        for (k, g) in groups.iter_mut().enumerate() {
            g.colour = arm_colour(k, n);
        }
        groups
    };
    for line in &mut lines {
        line.points.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    Layout::Numeric {
        key: dir.varied_keys[0].clone(),
        lines,
        in_step: if in_step {
            dir.varied_keys[1..].iter().map(|k| key_label(k)).collect()
        } else {
            Vec::new()
        },
    }
}

impl Plot for Headline<'_> {
    fn name(&self) -> &'static str {
        "headline"
    }
    fn title(&self) -> String {
        match &self.layout {
            Layout::Numeric { key, .. } => {
                format!("Headline measures by {}, with 95% CIs", key_label(key))
            }
            Layout::Categorical => "Headline measures by arm, with 95% CIs".into(),
        }
    }
    fn caption(&self) -> String {
        "Each panel is one headline measure: the mean over replications and its 95% confidence \
         interval (the band or the whiskers)."
            .into()
    }
    fn size(&self) -> (u32, u32) {
        let rows = self.measures.len().div_ceil(3) as u32;
        let per_row = match self.layout {
            Layout::Numeric { .. } => 300,
            // Room for every arm's row, however many.
            Layout::Categorical => (90 + 22 * self.dir.arms.len() as u32).max(300),
        };
        (1400, 120 + per_row * rows)
    }
    both_backends!();
}

// ---------------------------------------------------------------------------------------------
// Survival

struct SurvivalCurves<'a> {
    dir: &'a OutputDir,
}

impl SurvivalCurves<'_> {
    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let area = titled(root, &self.title())?;
        let area = with_legend(&area, &arm_legend(self.dir))?;
        let panels = area.split_evenly((1, 2));
        let events = [
            (
                "reoffence",
                "No proven reoffence yet",
                "weeks since the order started",
            ),
            ("breach", "Order not yet breached", "weeks on the order"),
        ];
        let series = series(self.dir);
        for ((event, label, x_desc), panel) in events.iter().zip(&panels) {
            let curves: Vec<_> = series
                .iter()
                .map(|s| mean_curve(self.dir, &s.arms, event))
                .collect();
            let last_week = curves
                .iter()
                .flat_map(|c| c.iter().filter(|p| p.at_risk > 0).map(|p| p.week))
                .max()
                .unwrap_or(1)
                .max(1);
            let low = curves
                .iter()
                // The band's lower edge, or the curve where there is no band (a mean curve).
                .flat_map(|c| {
                    c.iter().map(|p| {
                        if p.ci_low.is_finite() {
                            p.ci_low
                        } else {
                            p.survival
                        }
                    })
                })
                .filter(|v| v.is_finite())
                .fold(1.0f64, f64::min);
            let y_min = ((low - 0.05) * 10.0).floor() / 10.0;
            let mut chart = ChartBuilder::on(panel)
                .caption(*label, bold(PANEL_SIZE))
                .margin(10)
                .x_label_area_size(44)
                .y_label_area_size(56)
                .build_cartesian_2d(0.0..f64::from(last_week), y_min.max(0.0)..1.0)?;
            chart
                .configure_mesh()
                .light_line_style(WHITE)
                .bold_line_style(GRID)
                .x_desc(*x_desc)
                .y_desc("% of cases")
                .x_label_formatter(&|v| format!("{v:.0}"))
                .y_label_formatter(&|v| format!("{:.0}", v * 100.0))
                .label_style(font(LABEL_SIZE - 1))
                .axis_desc_style(font(LABEL_SIZE))
                .draw()?;
            for (curve, s) in curves.iter().zip(&series) {
                let colour = s.colour;
                let points: Vec<_> = curve.iter().filter(|p| p.survival.is_finite()).collect();
                let band: Vec<(f64, f64)> = points
                    .iter()
                    .map(|p| (f64::from(p.week), p.ci_high))
                    .chain(points.iter().rev().map(|p| (f64::from(p.week), p.ci_low)))
                    .filter(|p| p.1.is_finite())
                    .collect();
                if s.arms.len() == 1 {
                    chart.draw_series(std::iter::once(Polygon::new(band, colour.mix(0.18))))?;
                }
                // A Kaplan–Meier curve is a step function.
                let mut steps = Vec::with_capacity(points.len() * 2);
                for (k, p) in points.iter().enumerate() {
                    if k > 0 {
                        steps.push((f64::from(p.week), points[k - 1].survival));
                    }
                    steps.push((f64::from(p.week), p.survival));
                }
                chart.draw_series(LineSeries::new(steps, colour.stroke_width(2)))?;
            }
        }
        Ok(())
    }
}

impl Plot for SurvivalCurves<'_> {
    fn name(&self) -> &'static str {
        "survival"
    }
    fn title(&self) -> String {
        "Time to first proven reoffence and to breach (Kaplan–Meier, 95% bands)".into()
    }
    fn caption(&self) -> String {
        "Share of people who started an order in the measurement window and had not yet been \
         proven to reoffend (left) or been breached (right), by weeks since the order started; \
         cases are censored when their follow-up or order ends or the run does."
            .to_string()
            + &grouped_note(self.dir)
    }
    both_backends!();
}

// ---------------------------------------------------------------------------------------------
// Outcomes

struct Outcomes<'a> {
    dir: &'a OutputDir,
}

/// The segments of an outcome bar: metric, label, colour (Okabe–Ito; grey for still open).
const OUTCOME_SEGMENTS: [(&str, &str, RGBColor); 5] = [
    ("cohort_completed", "completed", RGBColor(0, 158, 115)),
    (
        "cohort_breached",
        "revoked for breach",
        RGBColor(213, 94, 0),
    ),
    (
        "cohort_revoked_on_reconviction",
        "revoked on a new conviction",
        RGBColor(204, 121, 167),
    ),
    ("cohort_recalled", "recalled", RGBColor(230, 159, 0)),
    ("cohort_still_open", "still open", RGBColor(190, 190, 190)),
];

impl Outcomes<'_> {
    fn segments(&self) -> Vec<(&'static str, &'static str, RGBColor)> {
        OUTCOME_SEGMENTS
            .iter()
            .copied()
            .filter(|(metric, _, _)| self.dir.arms.iter().any(|a| a.mean(metric).is_some()))
            .collect()
    }

    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let area = titled(root, &self.title())?;
        let segments = self.segments();
        let legend: Vec<_> = segments
            .iter()
            .map(|(_, label, colour)| (label.to_string(), *colour, Swatch::Block))
            .collect();
        let area = with_legend(&area, &legend)?;
        let arms = &self.dir.arms;
        let n = arms.len();
        let labels: Vec<String> = arms.iter().map(|a| a.label.clone()).collect();
        let label_width = text_width(&area, &labels, &font(LABEL_SIZE))? + 48;
        let mut chart = ChartBuilder::on(&area)
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(label_width)
            .build_cartesian_2d(0.0..1.0, categories(n))?;
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .bold_line_style(GRID)
            .x_desc("% of orders started in the measurement window")
            .x_label_formatter(&|v| format!("{:.0}", v * 100.0))
            .y_labels(n)
            .y_label_formatter(&|v| arm_at_row(*v, &labels))
            .label_style(font(LABEL_SIZE))
            .axis_desc_style(font(LABEL_SIZE))
            .draw()?;
        let half = 0.36;
        for (i, arm) in arms.iter().enumerate() {
            let y = arm_row(i, n);
            let mut start = 0.0;
            for (metric, _, colour) in &segments {
                let share = arm.mean(metric).unwrap_or(0.0);
                let end = start + share;
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(start, y - half), (end, y + half)],
                    colour.filled(),
                )))?;
                if share >= 0.06 {
                    chart.draw_series(std::iter::once(Text::new(
                        format!("{:.0}%", share * 100.0),
                        ((start + end) / 2.0 - 0.015, y),
                        font(LABEL_SIZE - 1),
                    )))?;
                }
                start = end;
            }
        }
        Ok(())
    }
}

impl Plot for Outcomes<'_> {
    fn name(&self) -> &'static str {
        "outcomes"
    }
    fn title(&self) -> String {
        "Where orders started in the measurement window stood at the end".into()
    }
    fn caption(&self) -> String {
        "Every order that started in the measurement window, by how it ended — completed, \
         revoked for breach, revoked on a new conviction — or whether it was still running when \
         the run stopped (orders that start late in the window are more often still open)."
            .into()
    }
    fn size(&self) -> (u32, u32) {
        (
            1200,
            (240 + 70 * self.dir.arms.len() as u32).clamp(360, 1400),
        )
    }
    both_backends!();
}

// ---------------------------------------------------------------------------------------------
// Reoffending by risk tier

struct ReoffendingByTier<'a> {
    dir: &'a OutputDir,
}

const TIERS: [(&str, &str); RiskTier::COUNT] = [
    ("low", "low"),
    ("medium", "medium"),
    ("high", "high"),
    ("very_high", "very high"),
];

impl ReoffendingByTier<'_> {
    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let area = titled(root, &self.title())?;
        let legend: Vec<_> = arm_legend(self.dir)
            .into_iter()
            .map(|(l, c, _)| (l, c, Swatch::Block))
            .collect();
        let area = with_legend(&area, &legend)?;
        let series = series(self.dir);
        let n = series.len();
        let arm_estimate = |a: &ArmResults, tier: &str| {
            a.by_tier
                .get(&(tier.to_string(), "reoffending_rate".to_string()))
                .copied()
                .unwrap_or_default()
        };
        // A series of several arms: the mean of their means, without an interval.
        let get = |s: &Series, tier: &str| -> Estimate {
            if let [i] = s.arms[..] {
                return arm_estimate(&self.dir.arms[i], tier);
            }
            let means: Option<Vec<f64>> = s
                .arms
                .iter()
                .map(|&i| arm_estimate(&self.dir.arms[i], tier).mean)
                .collect();
            Estimate {
                mean: means.map(|m| m.iter().sum::<f64>() / m.len() as f64),
                ..Estimate::default()
            }
        };
        let top = series
            .iter()
            .flat_map(|s| {
                TIERS
                    .iter()
                    .filter_map(move |t| get(s, t.0).ci_high.or(get(s, t.0).mean))
            })
            .fold(0.0f64, f64::max);
        let y_max = ((top * 1.1) * 10.0).ceil() / 10.0;
        let mut chart = ChartBuilder::on(&area)
            .margin(16)
            .x_label_area_size(50)
            .y_label_area_size(64)
            .build_cartesian_2d(categories(TIERS.len()), 0.0..y_max.clamp(0.1, 1.0))?;
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .bold_line_style(GRID)
            .disable_x_mesh()
            .x_desc("risk tier")
            .y_desc("% with a proven reoffence within a year")
            .x_labels(TIERS.len())
            .x_label_formatter(&|v| {
                category(*v)
                    .and_then(|t| TIERS.get(t))
                    .map(|t| t.1.to_string())
                    .unwrap_or_default()
            })
            .y_label_formatter(&|v| format!("{:.0}", v * 100.0))
            .label_style(font(LABEL_SIZE + 1))
            .axis_desc_style(font(LABEL_SIZE))
            .draw()?;
        let group = 0.8;
        let width = group / n as f64;
        for (t, tier) in TIERS.iter().enumerate() {
            for (i, s) in series.iter().enumerate() {
                let e = get(s, tier.0);
                let Some(mean) = e.mean else { continue };
                let x0 = t as f64 - group / 2.0 + i as f64 * width;
                let colour = s.colour;
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(x0 + width * 0.08, 0.0), (x0 + width * 0.92, mean)],
                    colour.filled(),
                )))?;
                if let (Some(lo), Some(hi)) = (e.ci_low, e.ci_high) {
                    chart.draw_series(std::iter::once(ErrorBar::new_vertical(
                        x0 + width / 2.0,
                        lo,
                        mean,
                        hi,
                        BLACK.stroke_width(1),
                        6,
                    )))?;
                }
            }
        }
        Ok(())
    }
}

impl Plot for ReoffendingByTier<'_> {
    fn name(&self) -> &'static str {
        "reoffending_by_tier"
    }
    fn title(&self) -> String {
        "Proven reoffending within a year, by risk tier (95% CIs)".into()
    }
    fn caption(&self) -> String {
        "People who started an order in the measurement window and were followed up for a \
         year, by the risk tier of their assessment; whiskers are 95% confidence intervals."
            .to_string()
            + &grouped_note(self.dir)
    }
    both_backends!();
}

// ---------------------------------------------------------------------------------------------
// Weekly time series

struct Timeseries<'a> {
    dir: &'a OutputDir,
}

const WEEKLY: [(&str, &str); 3] = [
    ("mean_caseload", "Cases per case manager"),
    ("unallocated", "Cases waiting for allocation"),
    ("service_waiting", "People on service waiting lists"),
];

impl Timeseries<'_> {
    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let area = titled(root, &self.title())?;
        let area = with_legend(&area, &arm_legend(self.dir))?;
        let panels = area.split_evenly((WEEKLY.len(), 1));
        let groups = series(self.dir);
        let warmup = self.dir.window().map(|w| f64::from(w.0));
        for ((column, label), panel) in WEEKLY.iter().zip(&panels) {
            // Each series' weekly mean over its arms (weeks every arm has).
            let series: Vec<Vec<(f64, f64)>> = groups
                .iter()
                .map(|g| {
                    let columns: Vec<&Vec<Option<f64>>> = g
                        .arms
                        .iter()
                        .filter_map(|&i| self.dir.arms[i].weekly.get(*column))
                        .collect();
                    if columns.len() < g.arms.len() {
                        return Vec::new();
                    }
                    let weeks = columns.iter().map(|c| c.len()).min().unwrap_or(0);
                    (0..weeks)
                        .filter_map(|w| {
                            let values: Option<Vec<f64>> = columns.iter().map(|c| c[w]).collect();
                            let values = values?;
                            Some((w as f64, values.iter().sum::<f64>() / values.len() as f64))
                        })
                        .collect()
                })
                .collect();
            let weeks = series.iter().map(|s| s.len()).max().unwrap_or(1).max(2) as f64;
            let top = series.iter().flatten().map(|p| p.1).fold(0.0f64, f64::max);
            let y_max = drawable(0.0, if top > 0.0 { top * 1.08 } else { 1.0 }).end;
            let mut chart = ChartBuilder::on(panel)
                .caption(*label, bold(PANEL_SIZE))
                .margin(8)
                .x_label_area_size(36)
                .y_label_area_size(64)
                .build_cartesian_2d(0.0..weeks - 1.0, 0.0..y_max)?;
            chart
                .configure_mesh()
                .light_line_style(WHITE)
                .bold_line_style(GRID)
                .x_desc("week of the run")
                .y_desc(if *column == "service_waiting" {
                    "people"
                } else {
                    "cases"
                })
                .x_label_formatter(&|v| format!("{v:.0}"))
                .y_label_formatter(&|v| format!("{}", round_tick(*v)))
                .label_style(font(LABEL_SIZE - 1))
                .axis_desc_style(font(LABEL_SIZE - 1))
                .draw()?;
            if let Some(warmup) = warmup.filter(|w| *w > 0.0) {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(0.0, 0.0), (warmup.min(weeks - 1.0), y_max)],
                    RGBColor(240, 240, 240).filled(),
                )))?;
                chart.draw_series(std::iter::once(Text::new(
                    "warm-up (not measured)",
                    (2.0, y_max * 0.97),
                    font(LABEL_SIZE - 2),
                )))?;
            }
            for (s, g) in series.iter().zip(&groups) {
                chart.draw_series(LineSeries::new(s.iter().copied(), g.colour.stroke_width(2)))?;
            }
        }
        Ok(())
    }
}

impl Plot for Timeseries<'_> {
    fn name(&self) -> &'static str {
        "timeseries"
    }
    fn title(&self) -> String {
        "Week by week: caseloads, allocation and service waiting lists".into()
    }
    fn caption(&self) -> String {
        "Weekly means over replications. The shaded weeks are the warm-up, when the caseload \
         builds up to a steady state; measures are taken after it."
            .to_string()
            + &grouped_note(self.dir)
    }
    fn size(&self) -> (u32, u32) {
        (1200, 1000)
    }
    both_backends!();
}

/// The Kaplan–Meier curve of `event` for a series: its arm's, or the mean of its arms'
/// curves week by week (each a step function, carried forward between its weeks; no band).
fn mean_curve(dir: &OutputDir, arms: &[usize], event: &str) -> Vec<SurvivalPoint> {
    let curves: Vec<Vec<SurvivalPoint>> = arms
        .iter()
        .map(|&i| dir.arms[i].survival.get(event).cloned().unwrap_or_default())
        .collect();
    if curves.len() == 1 {
        return curves.into_iter().next().unwrap_or_default();
    }
    let mut weeks: Vec<u32> = curves.iter().flatten().map(|p| p.week).collect();
    weeks.sort_unstable();
    weeks.dedup();
    let mut next = vec![0usize; curves.len()];
    let mut current: Vec<Option<&SurvivalPoint>> = vec![None; curves.len()];
    weeks
        .into_iter()
        .map(|week| {
            for (k, curve) in curves.iter().enumerate() {
                while next[k] < curve.len() && curve[next[k]].week <= week {
                    current[k] = Some(&curve[next[k]]);
                    next[k] += 1;
                }
            }
            let survival = current
                .iter()
                .map(|p| p.map_or(1.0, |p| p.survival))
                .sum::<f64>()
                / curves.len() as f64;
            SurvivalPoint {
                week,
                at_risk: current.iter().map(|p| p.map_or(0, |p| p.at_risk)).sum(),
                survival,
                ci_low: f64::NAN,
                ci_high: f64::NAN,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Main effects (a sweep crossing several settings)

struct MainEffects<'a> {
    dir: &'a OutputDir,
    factors: Vec<effects::Factor>,
    measures: Vec<&'static Measure>,
}

/// Panels of the main-effects plot: the focus measures, then headline measures, up to this
/// many rows.
const MAIN_EFFECT_ROWS: usize = 6;

impl<'a> MainEffects<'a> {
    fn new(dir: &'a OutputDir) -> Self {
        let mut measures = focus_first(dir, headline_measures());
        measures.truncate(MAIN_EFFECT_ROWS);
        MainEffects {
            dir,
            factors: effects::factors(dir),
            measures,
        }
    }

    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let area = titled(root, &self.title())?;
        let rows = self.measures.len();
        let cols = self.factors.len();
        let panels = area.split_evenly((rows, cols));
        for (r, m) in self.measures.iter().enumerate() {
            for (c, factor) in self.factors.iter().enumerate() {
                self.panel(
                    &panels[r * cols + c],
                    m,
                    factor,
                    OKABE_ITO[c % OKABE_ITO.len()],
                    r == 0,
                )?;
            }
        }
        Ok(())
    }

    fn panel<DB: DrawingBackend>(
        &self,
        panel: &DrawingArea<DB, Shift>,
        m: &Measure,
        factor: &effects::Factor,
        colour: RGBColor,
        top: bool,
    ) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let means = effects::level_means(self.dir, factor, m.name);
        let values: Vec<f64> = means
            .iter()
            .flat_map(|e| [e.ci_low, e.mean, e.ci_high].into_iter().flatten())
            .collect();
        // Around the values, so that the differences show; a share's axis that does not
        // start at zero is marked as cut.
        let ys = padded(values.iter().copied());
        let cut = m.unit == Unit::Share && ys.start > 0.0;
        let levels: Vec<String> = factor
            .levels
            .iter()
            .map(|l| {
                factor
                    .keys
                    .iter()
                    .zip(&l.values)
                    .map(|(k, v)| effects::value_words(k, v))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .collect();
        let caption = if top {
            format!("{}: {}", capitalised(&factor.name()), m.label)
        } else {
            m.title()
        };
        let mut chart = ChartBuilder::on(panel)
            .caption(caption, bold(LABEL_SIZE + 1))
            .margin(8)
            .x_label_area_size(40)
            .y_label_area_size(64)
            .build_cartesian_2d(categories(levels.len()), ys.clone())?;
        let y_desc = if cut {
            format!("{} (axis cut)", m.unit.axis())
        } else {
            m.unit.axis()
        };
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .bold_line_style(GRID)
            .disable_x_mesh()
            .x_desc(factor.name())
            .y_desc(y_desc)
            .x_labels(levels.len())
            .x_label_formatter(&|v| {
                category(*v)
                    .and_then(|i| levels.get(i).cloned())
                    .unwrap_or_default()
            })
            .y_labels(5)
            .y_label_formatter(&|v| m.unit.tick(*v))
            .label_style(font(LABEL_SIZE - 2))
            .axis_desc_style(font(LABEL_SIZE - 2))
            .draw()?;
        let defined: Vec<(f64, f64)> = means
            .iter()
            .enumerate()
            .filter_map(|(i, e)| Some((i as f64, e.mean?)))
            .collect();
        chart.draw_series(LineSeries::new(
            defined.iter().copied(),
            colour.stroke_width(2),
        ))?;
        for (i, e) in means.iter().enumerate() {
            let Some(mean) = e.mean else { continue };
            if let (Some(lo), Some(hi)) = (e.ci_low, e.ci_high) {
                chart.draw_series(std::iter::once(ErrorBar::new_vertical(
                    i as f64,
                    lo,
                    mean,
                    hi,
                    colour.stroke_width(2),
                    10,
                )))?;
            }
            chart.draw_series(std::iter::once(Circle::new(
                (i as f64, mean),
                5,
                colour.filled(),
            )))?;
        }
        if cut {
            let (bx, by) = panel.get_base_pixel();
            let (px, py) = chart.backend_coord(&(-0.5, ys.start));
            draw_axis_break(panel, (px - bx, py - by - 12), true)?;
        }
        Ok(())
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

impl Plot for MainEffects<'_> {
    fn name(&self) -> &'static str {
        "main_effects"
    }
    fn title(&self) -> String {
        "What each setting does, averaged over the others (95% CIs)".into()
    }
    fn caption(&self) -> String {
        "One column per setting the sweep varies, one row per measure (the scenario's focus \
         first): the mean at each value of the setting over the arms at that value (so \
         averaged over the other settings), with its 95% confidence interval. Axes are drawn \
         around the values; a share's axis marked as cut does not start at zero."
            .into()
    }
    fn size(&self) -> (u32, u32) {
        let cols = self.factors.len() as u32;
        let rows = self.measures.len() as u32;
        ((420 * cols).max(1200), 100 + 250 * rows)
    }
    both_backends!();
}

// ---------------------------------------------------------------------------------------------
// Global sensitivity (`casesim sensitivity --method sobol|morris`)

/// One parameter's bar in a ranked sensitivity plot: its value with a 95% interval, and a
/// second, narrower bar under it when the plot shows two measures (Sobol's first-order index
/// under the total).
#[derive(Clone, Debug, PartialEq)]
pub struct RankedBar {
    pub label: String,
    pub value: f64,
    pub low: f64,
    pub high: f64,
    pub second: Option<(f64, f64, f64)>,
}

/// A ranked horizontal bar plot, drawn as SVG and PNG: the bars in the order given, the first
/// on top; `legend` names the bar and the second bar.
pub struct Ranked {
    pub title: String,
    pub axis: String,
    pub legend: Vec<String>,
    pub bars: Vec<RankedBar>,
}

impl Ranked {
    fn size(&self) -> (u32, u32) {
        (1100, 170 + 46 * self.bars.len().max(1) as u32)
    }

    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let area = titled(root, &self.title)?;
        let colours = [OKABE_ITO[0], OKABE_ITO[1]];
        let legend: Vec<(String, RGBColor, Swatch)> = self
            .legend
            .iter()
            .zip(colours)
            .map(|(l, c)| (l.clone(), c, Swatch::Block))
            .collect();
        let area = with_legend(&area, &legend)?;
        let n = self.bars.len();
        let labels: Vec<String> = self.bars.iter().map(|b| b.label.clone()).collect();
        let label_width = text_width(&area, &labels, &font(LABEL_SIZE - 1))? + 48;
        let values: Vec<f64> = self
            .bars
            .iter()
            .flat_map(|b| {
                let second = b.second.map_or([0.0; 3], |(v, l, h)| [v, l, h]);
                [b.value, b.low, b.high].into_iter().chain(second)
            })
            .filter(|v| v.is_finite())
            .collect();
        let lo = values.iter().copied().fold(0.0f64, f64::min);
        let hi = values.iter().copied().fold(0.0f64, f64::max);
        let xs = drawable(lo - (hi - lo) * 0.02, hi + (hi - lo) * 0.06 + 1e-9);
        let mut chart = ChartBuilder::on(&area)
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(label_width)
            .build_cartesian_2d(xs, categories(n.max(1)))?;
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .bold_line_style(GRID)
            .disable_y_mesh()
            .x_desc(self.axis.clone())
            .x_labels(6)
            .x_label_formatter(&|v| format!("{}", round_tick(*v)))
            .y_labels(n.max(1))
            .y_label_formatter(&|v| arm_at_row(*v, &labels))
            .label_style(font(LABEL_SIZE - 1))
            .axis_desc_style(font(LABEL_SIZE))
            .draw()?;
        for (i, b) in self.bars.iter().enumerate() {
            let row = arm_row(i, n);
            // With a second bar, the first takes the upper half of the row.
            let (centre, half) = if b.second.is_some() {
                (row + 0.19, 0.17)
            } else {
                (row, 0.3)
            };
            let mut bar = |value: f64, low: f64, high: f64, centre: f64, colour: RGBColor| {
                if !value.is_finite() {
                    return Ok::<(), Box<dyn StdError>>(());
                }
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(0.0, centre - half), (value, centre + half)],
                    colour.filled(),
                )))?;
                if low.is_finite() && high.is_finite() {
                    chart.draw_series(std::iter::once(ErrorBar::new_horizontal(
                        centre,
                        low,
                        value,
                        high,
                        BLACK.stroke_width(2),
                        8,
                    )))?;
                }
                Ok(())
            };
            bar(b.value, b.low, b.high, centre, colours[0])?;
            if let Some((v, l, h)) = b.second {
                bar(v, l, h, row - 0.19, colours[1])?;
            }
        }
        Ok(())
    }
}

/// Draws a ranked bar plot: its SVG and PNG.
pub fn ranked_bars(plot: &Ranked) -> Result<(String, Vec<u8>), Error> {
    register_fonts();
    let (w, h) = plot.size();
    let fail = |e: Box<dyn StdError>| Error::Draw {
        figure: plot.title.clone(),
        message: e.to_string(),
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        plot.draw_on(&root).map_err(fail)?;
        root.present().map_err(|e| fail(e.into()))?;
    }
    let png = rasterise(&svg, w, h).map_err(fail)?;
    Ok((svg, png))
}
