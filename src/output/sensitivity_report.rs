//! `report.html` of a global sensitivity analysis (`casesim sensitivity --method sobol` or
//! `morris`): what was run, the ranked plot of each measure and the table of every index, on a
//! page in the style of the run report (its stylesheet).

use std::fmt::Write as _;

use html_escape::encode_text as esc;

use crate::output::report::{CSS, inline_svg};

/// A figure of the page: its file stem, title and SVG.
pub struct PageFigure {
    pub name: String,
    pub title: String,
    pub svg: String,
}

/// What the page shows.
pub struct Page {
    pub title: String,
    /// Paragraphs saying what was run and how to read it (plain text).
    pub lead: Vec<String>,
    /// The parameters' ranges: (key, label, low, high).
    pub ranges: Vec<[String; 4]>,
    pub figures: Vec<PageFigure>,
    pub caption: String,
    /// The table of every index: its header and rows (plain text).
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// The file holding the table.
    pub csv: String,
}

/// The page's HTML.
pub fn page_html(page: &Page) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>casesim: {title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n\
         <h1>casesim sensitivity: {title}</h1>\n",
        title = esc(&page.title)
    );
    for p in &page.lead {
        let _ = writeln!(h, "<p>{}</p>", esc(p));
    }
    h.push_str(
        "<section id=\"ranges\">\n<h2>Parameters and their ranges</h2>\n<div class=\"wide\">\
         <table>\n<tr><th>key</th><th>what it is</th><th>low</th><th>high</th></tr>\n",
    );
    for r in &page.ranges {
        let _ = writeln!(
            h,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&r[0]),
            esc(&r[1]),
            esc(&r[2]),
            esc(&r[3])
        );
    }
    h.push_str("</table></div>\n</section>\n<section id=\"plots\">\n<h2>Plots</h2>\n");
    for f in &page.figures {
        let _ = write!(
            h,
            "<figure id=\"{name}\" aria-label=\"{title}\">\n{svg}\n<figcaption>{caption} \
             <span class=\"ci\">(Also {name}.png and {name}.svg in the output \
             directory.)</span></figcaption>\n</figure>\n",
            name = esc(&f.name),
            title = esc(&f.title),
            svg = inline_svg(&f.svg),
            caption = esc(&page.caption),
        );
    }
    let _ = write!(
        h,
        "</section>\n<section id=\"table\">\n<h2>Every index</h2>\n<p class=\"ci\">As in \
         {}.</p>\n<div class=\"wide\"><table>\n<tr>",
        esc(&page.csv)
    );
    for c in &page.header {
        let _ = write!(h, "<th>{}</th>", esc(c));
    }
    h.push_str("</tr>\n");
    for row in &page.rows {
        h.push_str("<tr>");
        for c in row {
            let _ = write!(h, "<td>{}</td>", esc(c));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table></div>\n</section>\n</main>\n</body>\n</html>\n");
    h
}
