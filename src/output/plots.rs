//! The plots of a run, sweep or comparison, each drawn as PNG and as SVG from the output
//! directory's files ([`OutputDir`]).
//!
//! - `headline`: the headline metrics against the swept value with 95% CI bands (a numeric
//!   sweep), or each arm's estimate with its 95% CI (a comparison or a sweep over words);
//! - `survival`: Kaplan–Meier curves of time to first proven reoffence and to breach, by arm,
//!   with 95% bands;
//! - `outcomes`: how orders started in the measurement window stood at the end, per arm;
//! - `reoffending_by_tier`: proven reoffending by risk tier and arm, with 95% CIs;
//! - `timeseries`: cases per case manager, cases waiting for allocation and people on service
//!   waiting lists, week by week.
//!
//! Text is set in Noto Sans, embedded in the binary (plotters' `ab_glyph` feature), so plots
//! draw the same on a machine with no fonts installed. Colours are the Okabe–Ito palette, which
//! readers with any common colour-vision deficiency can tell apart, or viridis for more than
//! eight arms. An arm has the same colour in every plot.

use std::error::Error as StdError;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::register_font;

use crate::error::Error;
use crate::experiment::Kind;
use crate::metrics::{Measure, Unit, measure};
use crate::output::results::{ArmResults, OutputDir};
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
const TITLE_SIZE: u32 = 26;
const PANEL_SIZE: u32 = 19;
const LABEL_SIZE: u32 = 15;

fn register_fonts() {
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
const OKABE_ITO: [RGBColor; 8] = [
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

const GRID: RGBColor = RGBColor(225, 225, 225);

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
    plots.push(Box::new(SurvivalCurves { dir }));
    plots.push(Box::new(Outcomes { dir }));
    plots.push(Box::new(ReoffendingByTier { dir }));
    plots.push(Box::new(Timeseries { dir }));
    plots
}

/// One kind of plot. Drawing is generic over the backend so each plot is written once and
/// drawn as SVG and as PNG.
trait Plot {
    fn name(&self) -> &'static str;
    fn title(&self) -> String;
    fn caption(&self) -> String;
    fn size(&self) -> (u32, u32) {
        (1200, 800)
    }
    fn draw_svg(&self, root: &DrawingArea<SVGBackend, Shift>) -> DrawResult;
    fn draw_png(&self, root: &DrawingArea<BitMapBackend, Shift>) -> DrawResult;
}

/// Implements [`Plot`]'s two backends with the plot's generic `draw_on`.
macro_rules! both_backends {
    () => {
        fn draw_svg(&self, root: &DrawingArea<SVGBackend, Shift>) -> DrawResult {
            self.draw_on(root)
        }
        fn draw_png(&self, root: &DrawingArea<BitMapBackend, Shift>) -> DrawResult {
            self.draw_on(root)
        }
    };
}

/// Draws a plot as SVG and, when `png`, as PNG.
fn draw(plot: &dyn Plot, png: bool) -> Result<Figure, Error> {
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
    let mut rgb = vec![0u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        plot.draw_png(&root).map_err(fail)?;
        root.present().map_err(|e| fail(e.into()))?;
    }
    Ok(Figure {
        name: plot.name(),
        title: plot.title(),
        caption: plot.caption(),
        svg,
        png: encode_png(&rgb, w, h).map_err(|e| fail(e.into()))?,
    })
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

fn font(size: u32) -> TextStyle<'static> {
    (FONT, size).into_font().color(&BLACK)
}

fn bold(size: u32) -> TextStyle<'static> {
    (FONT, size)
        .into_font()
        .style(FontStyle::Bold)
        .color(&BLACK)
}

/// White background, the title on top; returns the area below it.
fn titled<DB: DrawingBackend>(
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

fn arm_legend(dir: &OutputDir) -> Vec<(String, RGBColor, Swatch)> {
    if dir.arms.len() < 2 {
        return Vec::new();
    }
    let n = dir.arms.len();
    dir.arms
        .iter()
        .enumerate()
        .map(|(i, a)| (a.label.clone(), arm_colour(i, n), Swatch::Line))
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

/// A label cut to `max` characters.
fn shorten(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else {
        let cut: String = label.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

/// Room for category labels on a vertical axis: about the longest label's width.
fn label_area(labels: &[String], size: u32) -> u32 {
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) as u32;
    (longest * size * 6 / 10 + 24).clamp(40, 320)
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
        let measures = headline_measures()
            .filter(|m| dir.arms.iter().any(|a| a.mean(m.name).is_some()))
            .collect();
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
            _ => Vec::new(),
        };
        let area = with_legend(&area, &legend)?;
        let cols = 3;
        let rows = self.measures.len().div_ceil(cols);
        let panels = area.split_evenly((rows, cols));
        for (measure, panel) in self.measures.iter().zip(&panels) {
            match &self.layout {
                Layout::Numeric {
                    key,
                    lines,
                    in_step,
                } => self.numeric_panel(panel, measure, key, lines, in_step)?,
                Layout::Categorical => self.categorical_panel(panel, measure)?,
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
        let ys = padded(lines.iter().flat_map(|l| {
            l.points.iter().flat_map(move |&(_, i)| {
                let e = estimate(i);
                [e.ci_low, e.mean, e.ci_high].into_iter().flatten()
            })
        }));
        let mut chart = ChartBuilder::on(panel)
            .caption(m.title(), bold(PANEL_SIZE))
            .margin(8)
            .x_label_area_size(44)
            .y_label_area_size(56)
            .build_cartesian_2d(xs, ys)?;
        let mut x_desc = key.rsplit('.').next().unwrap_or(key).to_string();
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
        let xs = padded(
            estimates
                .iter()
                .flat_map(|e| [e.ci_low, e.mean, e.ci_high].into_iter().flatten()),
        );
        let labels: Vec<String> = arms.iter().map(|a| shorten(&a.label, 22)).collect();
        let mut chart = ChartBuilder::on(panel)
            .caption(m.title(), bold(PANEL_SIZE))
            .margin(8)
            .x_label_area_size(40)
            .y_label_area_size(label_area(&labels, LABEL_SIZE - 3))
            .build_cartesian_2d(xs, categories(n))?;
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .bold_line_style(GRID)
            .x_desc(m.unit.axis())
            .x_labels(5)
            .x_label_formatter(&|v| m.unit.tick(*v))
            .y_labels(n)
            .y_label_formatter(&|v| arm_at_row(*v, &labels))
            .label_style(font(LABEL_SIZE - 3))
            .axis_desc_style(font(LABEL_SIZE - 1))
            .draw()?;
        for (i, e) in estimates.iter().enumerate() {
            let Some(mean) = e.mean else { continue };
            let colour = arm_colour(i, n);
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
            .map(|(k, v)| format!("{}={v}", k.rsplit('.').next().unwrap_or(k)))
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
            dir.varied_keys[1..]
                .iter()
                .map(|k| k.rsplit('.').next().unwrap_or(k).to_string())
                .collect()
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
            Layout::Numeric { key, .. } => format!("Headline measures by {key}, with 95% CIs"),
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
        (1400, 120 + 300 * rows)
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
        let n = self.dir.arms.len();
        for ((event, label, x_desc), panel) in events.iter().zip(&panels) {
            let curves: Vec<_> = self
                .dir
                .arms
                .iter()
                .map(|a| a.survival.get(*event).cloned().unwrap_or_default())
                .collect();
            let last_week = curves
                .iter()
                .flat_map(|c| c.iter().filter(|p| p.at_risk > 0).map(|p| p.week))
                .max()
                .unwrap_or(1)
                .max(1);
            let low = curves
                .iter()
                .flat_map(|c| c.iter().map(|p| p.ci_low))
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
            for (i, curve) in curves.iter().enumerate() {
                let colour = arm_colour(i, n);
                let points: Vec<_> = curve.iter().filter(|p| p.survival.is_finite()).collect();
                let band: Vec<(f64, f64)> = points
                    .iter()
                    .map(|p| (f64::from(p.week), p.ci_high))
                    .chain(points.iter().rev().map(|p| (f64::from(p.week), p.ci_low)))
                    .filter(|p| p.1.is_finite())
                    .collect();
                chart.draw_series(std::iter::once(Polygon::new(band, colour.mix(0.18))))?;
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
            .into()
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
        let labels: Vec<String> = arms.iter().map(|a| shorten(&a.label, 36)).collect();
        let mut chart = ChartBuilder::on(&area)
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(label_area(&labels, LABEL_SIZE))
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
        let arms = &self.dir.arms;
        let n = arms.len();
        let get = |a: &ArmResults, tier: &str| {
            a.by_tier
                .get(&(tier.to_string(), "reoffending_rate".to_string()))
                .copied()
                .unwrap_or_default()
        };
        let top = arms
            .iter()
            .flat_map(|a| TIERS.iter().filter_map(move |t| get(a, t.0).ci_high))
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
            for (i, arm) in arms.iter().enumerate() {
                let e = get(arm, tier.0);
                let Some(mean) = e.mean else { continue };
                let x0 = t as f64 - group / 2.0 + i as f64 * width;
                let colour = arm_colour(i, n);
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(x0 + width * 0.08, 0.0), (x0 + width * 0.92, mean)],
                    colour.filled(),
                )))?;
                chart.draw_series(std::iter::once(ErrorBar::new_vertical(
                    x0 + width / 2.0,
                    e.ci_low.unwrap_or(mean),
                    mean,
                    e.ci_high.unwrap_or(mean),
                    BLACK.stroke_width(1),
                    6,
                )))?;
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
            .into()
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
        let arms = &self.dir.arms;
        let n = arms.len();
        let warmup = self.dir.window().map(|w| f64::from(w.0));
        for ((column, label), panel) in WEEKLY.iter().zip(&panels) {
            let series: Vec<Vec<(f64, f64)>> = arms
                .iter()
                .map(|a| {
                    a.weekly
                        .get(*column)
                        .map(|v| {
                            v.iter()
                                .enumerate()
                                .filter_map(|(w, x)| Some((w as f64, (*x)?)))
                                .collect()
                        })
                        .unwrap_or_default()
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
            for (i, s) in series.iter().enumerate() {
                chart.draw_series(LineSeries::new(
                    s.iter().copied(),
                    arm_colour(i, n).stroke_width(2),
                ))?;
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
            .into()
    }
    fn size(&self) -> (u32, u32) {
        (1200, 1000)
    }
    both_backends!();
}
