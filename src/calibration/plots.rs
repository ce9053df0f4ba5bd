//! The plots of a calibration, drawn with the plots of runs' fonts and colours:
//! - `marginals`: each parameter's posterior (weighted histogram) over its prior;
//! - `pairs`: the posterior particles two parameters at a time (the parameters the targets
//!   narrowed most), to show where they trade off;
//! - `fit`: each target's observed value beside the model's under the prior and the
//!   posterior, in standard errors of the target;
//! - `generations`: the tolerance and the acceptance rate generation by generation.

use std::error::Error as StdError;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::calibration::Problem;
use crate::calibration::report::{Fit, ParameterSummary};
use crate::calibration::smc::{Outcome, Particle, weighted_value_quantile};
use crate::error::Error;
use crate::output::plots::{
    Figure, GRID, LABEL_SIZE, OKABE_ITO, PANEL_SIZE, Plot, draw, font, register_fonts, titled,
};

type DrawResult = Result<(), Box<dyn StdError>>;

const PRIOR: RGBColor = RGBColor(160, 160, 160);

/// The most parameters drawn in the pairs plot.
const MAX_PAIRS: usize = 6;

pub fn figures(
    problem: &Problem,
    outcome: &Outcome,
    summaries: &[ParameterSummary],
    fits: &[Fit],
) -> Result<Vec<Figure>, Error> {
    register_fonts();
    let keys: Vec<String> = problem.file.priors.iter().map(|p| p.key.clone()).collect();
    let prior = &outcome.generations[0].particles;
    let posterior = &outcome.posterior().particles;
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|a, b| {
        summaries[*b]
            .shrinkage()
            .total_cmp(&summaries[*a].shrinkage())
    });
    order.truncate(MAX_PAIRS);
    let mut plots: Vec<Box<dyn Plot + '_>> = vec![
        Box::new(Marginals {
            keys: &keys,
            prior,
            posterior,
            summaries,
        }),
        Box::new(Fits { fits }),
        Box::new(Generations { outcome }),
    ];
    if keys.len() > 1 {
        plots.insert(
            1,
            Box::new(Pairs {
                keys: &keys,
                order,
                posterior,
            }),
        );
    }
    plots.iter().map(|p| draw(p.as_ref(), true)).collect()
}

/// Rows and columns of a grid of `n` panels.
fn grid(n: usize) -> (usize, usize) {
    let cols = (n as f64).sqrt().ceil().max(1.0) as usize;
    (n.div_ceil(cols), cols)
}

/// The range a parameter's panel shows: the prior particles' 0.5% to 99.5%.
fn span(prior: &[Particle], i: usize) -> (f64, f64) {
    let lo = weighted_value_quantile(prior, |p| p.values[i], 0.005);
    let hi = weighted_value_quantile(prior, |p| p.values[i], 0.995);
    if hi > lo {
        (lo, hi)
    } else {
        (lo - 0.5, lo + 0.5)
    }
}

/// Weighted histogram densities of parameter `i` over `bins` bins of `lo..hi`.
fn histogram(particles: &[Particle], i: usize, lo: f64, hi: f64, bins: usize) -> Vec<f64> {
    let width = (hi - lo) / bins as f64;
    let mut mass = vec![0.0; bins];
    for p in particles {
        let b = ((p.values[i] - lo) / width).floor();
        if b >= 0.0 && (b as usize) < bins {
            mass[b as usize] += p.weight;
        }
    }
    mass.iter().map(|m| m / width).collect()
}

struct Marginals<'a> {
    keys: &'a [String],
    prior: &'a [Particle],
    posterior: &'a [Particle],
    summaries: &'a [ParameterSummary],
}

impl Marginals<'_> {
    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let area = titled(root, &self.title())?;
        let (rows, cols) = grid(self.keys.len());
        let panels = area.split_evenly((rows, cols));
        const BINS: usize = 24;
        for (i, key) in self.keys.iter().enumerate() {
            let (lo, hi) = span(self.prior, i);
            let post = histogram(self.posterior, i, lo, hi, BINS);
            let pri = histogram(self.prior, i, lo, hi, BINS);
            let top = post.iter().chain(&pri).copied().fold(0.0, f64::max) * 1.1;
            let width = (hi - lo) / BINS as f64;
            let mut chart = ChartBuilder::on(&panels[i])
                .margin(10)
                .caption(key, font(PANEL_SIZE - 4))
                .x_label_area_size(28)
                .y_label_area_size(10)
                .build_cartesian_2d(lo..hi, 0.0..top.max(1e-9))?;
            chart
                .configure_mesh()
                .disable_y_mesh()
                .disable_y_axis()
                .light_line_style(WHITE)
                .bold_line_style(GRID)
                .x_labels(4)
                .label_style(font(LABEL_SIZE - 2))
                .draw()?;
            chart.draw_series(post.iter().enumerate().map(|(b, d)| {
                let x0 = lo + b as f64 * width;
                Rectangle::new(
                    [(x0, 0.0), (x0 + width, *d)],
                    OKABE_ITO[0].mix(0.6).filled(),
                )
            }))?;
            chart.draw_series(LineSeries::new(
                pri.iter().enumerate().flat_map(|(b, d)| {
                    let x0 = lo + b as f64 * width;
                    [(x0, *d), (x0 + width, *d)]
                }),
                PRIOR.stroke_width(2),
            ))?;
            if let Some(default) = self.summaries[i].default.filter(|d| (lo..=hi).contains(d)) {
                chart.draw_series(LineSeries::new(
                    [(default, 0.0), (default, top)],
                    OKABE_ITO[1].stroke_width(2),
                ))?;
            }
        }
        Ok(())
    }
}

impl Plot for Marginals<'_> {
    fn name(&self) -> &'static str {
        "marginals"
    }
    fn title(&self) -> String {
        "Each parameter: posterior (blue) over prior (grey)".into()
    }
    fn caption(&self) -> String {
        "Weighted histograms of the final generation's particles (blue) and of the prior's \
         (grey outline); the orange line is the default in the parameter table. A posterior as \
         wide as its prior means the targets say little about that parameter."
            .into()
    }
    fn size(&self) -> (u32, u32) {
        let (rows, _) = grid(self.keys.len());
        (1200, (80 + 260 * rows as u32).min(2400))
    }
    fn draw_svg(&self, root: &DrawingArea<SVGBackend, Shift>) -> DrawResult {
        self.draw_on(root)
    }
}

struct Pairs<'a> {
    keys: &'a [String],
    order: Vec<usize>,
    posterior: &'a [Particle],
}

impl Pairs<'_> {
    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let area = titled(root, &self.title())?;
        let n = self.order.len();
        let panels = area.split_evenly((n, n));
        let range = |i: usize| {
            let lo = weighted_value_quantile(self.posterior, |p| p.values[i], 0.0);
            let hi = weighted_value_quantile(self.posterior, |p| p.values[i], 1.0);
            let pad = ((hi - lo) * 0.05).max(1e-9);
            (lo - pad)..(hi + pad)
        };
        let top = self
            .posterior
            .iter()
            .map(|p| p.weight)
            .fold(0.0, f64::max)
            .max(1e-12);
        for (r, &y) in self.order.iter().enumerate() {
            for (c, &x) in self.order.iter().enumerate() {
                let panel = &panels[r * n + c];
                if r == c {
                    panel.draw(&Text::new(
                        self.keys[x].clone(),
                        (8, 20),
                        font(LABEL_SIZE - 3),
                    ))?;
                    continue;
                }
                let mut chart = ChartBuilder::on(panel)
                    .margin(6)
                    // Axis labels on the outer panels (the diagonal's neighbour where the
                    // diagonal takes the corner).
                    .x_label_area_size(if r == n - 1 || (r == n - 2 && c == n - 1) {
                        22
                    } else {
                        0
                    })
                    .y_label_area_size(if c == 0 || (r == 0 && c == 1) { 40 } else { 0 })
                    .build_cartesian_2d(range(x), range(y))?;
                chart
                    .configure_mesh()
                    .light_line_style(WHITE)
                    .bold_line_style(GRID)
                    .x_labels(3)
                    .y_labels(3)
                    .label_style(font(LABEL_SIZE - 4))
                    .draw()?;
                chart.draw_series(self.posterior.iter().map(|p| {
                    let alpha = 0.15 + 0.7 * (p.weight / top);
                    Circle::new(
                        (p.values[x], p.values[y]),
                        2,
                        OKABE_ITO[0].mix(alpha).filled(),
                    )
                }))?;
            }
        }
        Ok(())
    }
}

impl Plot for Pairs<'_> {
    fn name(&self) -> &'static str {
        "pairs"
    }
    fn title(&self) -> String {
        "The posterior two parameters at a time".into()
    }
    fn caption(&self) -> String {
        format!(
            "Each dot is a particle of the final generation (darker: more weight), for the {} \
             parameters the targets narrowed most. A diagonal band means two parameters trade \
             off: the targets fix a combination of them, not each.",
            self.order.len()
        )
    }
    fn size(&self) -> (u32, u32) {
        (1200, 1200)
    }
    fn draw_svg(&self, root: &DrawingArea<SVGBackend, Shift>) -> DrawResult {
        self.draw_on(root)
    }
}

struct Fits<'a> {
    fits: &'a [Fit],
}

impl Fits<'_> {
    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let area = titled(root, &self.title())?;
        let z = |f: &Fit, v: f64| (v - f.observed) / f.standard_error;
        let reach = self
            .fits
            .iter()
            .flat_map(|f| {
                [
                    z(f, f.prior.1),
                    z(f, f.prior.2),
                    z(f, f.posterior.1),
                    z(f, f.posterior.2),
                ]
            })
            .filter(|v| v.is_finite())
            .map(f64::abs)
            .fold(3.0, f64::max)
            .min(50.0);
        let n = self.fits.len();
        let mut chart = ChartBuilder::on(&area)
            .margin(16)
            .x_label_area_size(50)
            .y_label_area_size(260)
            .build_cartesian_2d(-reach..reach, -0.5..(n as f64 - 0.5))?;
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .bold_line_style(GRID)
            .disable_y_mesh()
            .y_labels(n)
            .y_label_formatter(&|v| {
                let i = v.round();
                if (v - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < n {
                    let f = &self.fits[n - 1 - i as usize];
                    if f.held_out {
                        format!("{} (held out)", f.name)
                    } else {
                        f.name.clone()
                    }
                } else {
                    String::new()
                }
            })
            .x_desc("model minus observed, in standard errors of the target")
            .label_style(font(LABEL_SIZE))
            .axis_desc_style(font(LABEL_SIZE))
            .draw()?;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(-1.96, -0.5), (1.96, n as f64 - 0.5)],
            OKABE_ITO[2].mix(0.12).filled(),
        )))?;
        for (i, f) in self.fits.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            let clip = |v: f64| v.clamp(-reach, reach);
            chart.draw_series(LineSeries::new(
                [
                    (clip(z(f, f.prior.1)), y + 0.15),
                    (clip(z(f, f.prior.2)), y + 0.15),
                ],
                PRIOR.stroke_width(5),
            ))?;
            chart.draw_series(LineSeries::new(
                [
                    (clip(z(f, f.posterior.1)), y - 0.15),
                    (clip(z(f, f.posterior.2)), y - 0.15),
                ],
                OKABE_ITO[0].stroke_width(5),
            ))?;
            chart.draw_series(std::iter::once(Circle::new(
                (clip(z(f, f.posterior.0)), y - 0.15),
                6,
                OKABE_ITO[0].filled(),
            )))?;
        }
        chart.draw_series(LineSeries::new(
            [(0.0, -0.5), (0.0, n as f64 - 0.5)],
            BLACK.stroke_width(2),
        ))?;
        Ok(())
    }
}

impl Plot for Fits<'_> {
    fn name(&self) -> &'static str {
        "fit"
    }
    fn title(&self) -> String {
        "The calibrated model against each target".into()
    }
    fn caption(&self) -> String {
        "For each target, the 90% interval of the model's value under the prior (grey) and \
         the posterior (blue, dot at the mean), less the observed value, in the target's \
         standard errors. The green band is the observed value's 95% interval: a posterior \
         inside it fits."
            .into()
    }
    fn size(&self) -> (u32, u32) {
        (1200, (160 + 60 * self.fits.len() as u32).clamp(400, 2000))
    }
    fn draw_svg(&self, root: &DrawingArea<SVGBackend, Shift>) -> DrawResult {
        self.draw_on(root)
    }
}

struct Generations<'a> {
    outcome: &'a Outcome,
}

impl Generations<'_> {
    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let area = titled(root, &self.title())?;
        let (left, right) = area.split_horizontally(600);
        let gens = &self.outcome.generations;
        let last = gens.len().saturating_sub(1).max(1) as f64;
        let tolerances: Vec<(f64, f64)> = gens
            .iter()
            .filter(|g| g.tolerance.is_finite())
            .map(|g| (g.index as f64, g.tolerance))
            .collect();
        let top = tolerances.iter().map(|t| t.1).fold(0.0, f64::max) * 1.1;
        let mut chart = ChartBuilder::on(&left)
            .margin(16)
            .caption("tolerance", font(PANEL_SIZE))
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(0.0..last, 0.0..top.max(1e-9))?;
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .bold_line_style(GRID)
            .x_desc("generation")
            .label_style(font(LABEL_SIZE))
            .axis_desc_style(font(LABEL_SIZE))
            .draw()?;
        chart.draw_series(LineSeries::new(
            tolerances.iter().copied(),
            OKABE_ITO[0].stroke_width(3),
        ))?;
        chart.draw_series(
            tolerances
                .iter()
                .map(|p| Circle::new(*p, 5, OKABE_ITO[0].filled())),
        )?;
        let rates: Vec<(f64, f64)> = gens
            .iter()
            .map(|g| (g.index as f64, 100.0 * g.acceptance_rate()))
            .collect();
        let mut chart = ChartBuilder::on(&right)
            .margin(16)
            .caption("acceptance, %", font(PANEL_SIZE))
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(0.0..last, 0.0..100.0)?;
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .bold_line_style(GRID)
            .x_desc("generation")
            .label_style(font(LABEL_SIZE))
            .axis_desc_style(font(LABEL_SIZE))
            .draw()?;
        chart.draw_series(LineSeries::new(
            rates.iter().copied(),
            OKABE_ITO[1].stroke_width(3),
        ))?;
        chart.draw_series(
            rates
                .iter()
                .map(|p| Circle::new(*p, 5, OKABE_ITO[1].filled())),
        )?;
        Ok(())
    }
}

impl Plot for Generations<'_> {
    fn name(&self) -> &'static str {
        "generations"
    }
    fn title(&self) -> String {
        "How the calibration went, generation by generation".into()
    }
    fn caption(&self) -> String {
        "The tolerance (the largest distance a particle may have from the targets, in \
         standard errors as a root mean square) falls as the particles move towards the \
         targets, and acceptance falls with it; the run stops when the tolerance stops falling."
            .into()
    }
    fn size(&self) -> (u32, u32) {
        (1200, 560)
    }
    fn draw_svg(&self, root: &DrawingArea<SVGBackend, Shift>) -> DrawResult {
        self.draw_on(root)
    }
}
