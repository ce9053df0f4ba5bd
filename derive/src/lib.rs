//! The derives behind casesim's parameter table (`casesim::scenario::table`).
//!
//! `#[derive(Params)]` on a section of the scenario reads each field's `#[param(...)]`
//! declaration — default, unit, valid range, plain-language label, source — and generates the
//! section's `Default` and its entry in the table, from which casesim validates scenarios,
//! writes `docs/parameters.md` and the JSON Schema, and labels plots. `#[derive(Choice)]` on an
//! enum of the scenario makes its variants the key's choices, with their doc comments.
//!
//! A field's declaration:
//!
//! ```text
//! /// What the key means (the doc comment becomes its meaning in the docs).
//! #[param(default = 312, unit = "weeks", min = 1, max = 5200, label = "weeks simulated",
//!         source = "assumption: six years")]
//! pub weeks: u32,
//! ```
//!
//! - `default = EXPR`: the default value; without it, `Default::default()` of the field's type
//!   (a section's own defaults). A section whose fields do not all have defaults gets no
//!   `Default`: the field that holds it gives it one.
//! - `min`, `max` (inclusive) and `above`, `below` (exclusive): the valid range of a number, or
//!   of each number in a list, per-tier or per-need value.
//! - `unit`, `label`, `source`, `why` (said after the range when a value is refused): text.
//! - `section`: the field is a nested section (or a container of them); its own fields are the
//!   keys, and `label` and `source` apply to all of them.
//! - `skip`: not a parameter (declared elsewhere, such as `[sweep]`).
//!
//! Written as a derive rather than a `macro_rules!` table so that each section stays an
//! ordinary struct that serde reads, with its declarations beside its fields.

use proc_macro::TokenStream;
use proc_macro2::TokenStream as Tokens;
use quote::quote;
use syn::{Attribute, Data, DeriveInput, Expr, Fields, LitStr, parse_macro_input};

/// The doc comment of an item, its lines joined (a blank line keeps a paragraph break).
fn doc_of(attrs: &[Attribute]) -> String {
    let mut lines = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("doc")) {
        if let syn::Meta::NameValue(nv) = &attr.meta {
            if let Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = &nv.value
            {
                lines.push(s.value().trim().to_string());
            }
        }
    }
    let mut text = String::new();
    for line in lines {
        if line.is_empty() {
            text.push_str("\n\n");
        } else {
            if !text.is_empty() && !text.ends_with('\n') {
                text.push(' ');
            }
            text.push_str(&line);
        }
    }
    text.trim().to_string()
}

#[derive(Default)]
struct Declaration {
    default: Option<Expr>,
    min: Option<Expr>,
    max: Option<Expr>,
    above: Option<Expr>,
    below: Option<Expr>,
    unit: Option<LitStr>,
    label: Option<LitStr>,
    source: Option<LitStr>,
    why: Option<LitStr>,
    section: bool,
    skip: bool,
    no_default: bool,
}

fn declaration(attrs: &[Attribute]) -> syn::Result<Declaration> {
    let mut d = Declaration::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("param")) {
        attr.parse_nested_meta(|meta| {
            let name = meta
                .path
                .get_ident()
                .map(|i| i.to_string())
                .unwrap_or_default();
            match name.as_str() {
                "section" => d.section = true,
                "skip" => d.skip = true,
                "no_default" => d.no_default = true,
                "default" => d.default = Some(meta.value()?.parse()?),
                "min" => d.min = Some(meta.value()?.parse()?),
                "max" => d.max = Some(meta.value()?.parse()?),
                "above" => d.above = Some(meta.value()?.parse()?),
                "below" => d.below = Some(meta.value()?.parse()?),
                "unit" => d.unit = Some(meta.value()?.parse()?),
                "label" => d.label = Some(meta.value()?.parse()?),
                "source" => d.source = Some(meta.value()?.parse()?),
                "why" => d.why = Some(meta.value()?.parse()?),
                _ => return Err(meta.error("unknown #[param] setting")),
            }
            Ok(())
        })?;
    }
    Ok(d)
}

fn text(lit: &Option<LitStr>) -> Tokens {
    match lit {
        Some(s) => quote!(#s),
        None => quote!(""),
    }
}

fn bound(e: &Option<Expr>) -> Tokens {
    match e {
        Some(e) => quote!(::core::option::Option::Some((#e) as f64)),
        None => quote!(::core::option::Option::None),
    }
}

/// `#[derive(Params)]`: a section of the scenario, each field a key (see the crate's docs).
#[proc_macro_derive(Params, attributes(param))]
pub fn derive_params(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match params(&input) {
        Ok(tokens) => tokens.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

fn params(input: &DeriveInput) -> syn::Result<Tokens> {
    let name = &input.ident;
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new_spanned(name, "Params is for structs"));
    };
    let Fields::Named(fields) = &data.fields else {
        return Err(syn::Error::new_spanned(name, "Params needs named fields"));
    };
    let section_doc = doc_of(&input.attrs);
    let struct_decl = declaration(&input.attrs)?;
    let mut specs = Vec::new();
    let mut checks = Vec::new();
    let mut defaults = Vec::new();
    let mut every_default = true;
    for field in &fields.named {
        let ident = field.ident.as_ref().expect("named");
        let ty = &field.ty;
        let d = declaration(&field.attrs)?;
        let key = ident.to_string();
        match &d.default {
            Some(e) => defaults.push(quote!(#ident: #e)),
            None => {
                if !(d.section || d.skip) {
                    every_default = false;
                }
                defaults.push(quote!(#ident: ::core::default::Default::default()))
            }
        }
        if d.skip {
            continue;
        }
        if !d.section && d.label.is_none() {
            return Err(syn::Error::new_spanned(
                ident,
                "every key needs a plain-language label: #[param(label = \"...\")]",
            ));
        }
        let doc = doc_of(&field.attrs);
        let (unit, label, source, why) =
            (text(&d.unit), text(&d.label), text(&d.source), text(&d.why));
        let (min, max, above, below) = (
            bound(&d.min),
            bound(&d.max),
            bound(&d.above),
            bound(&d.below),
        );
        let section = d.section;
        let index = specs.len();
        specs.push(quote! {
            crate::scenario::table::Field {
                name: #key,
                doc: #doc,
                label: #label,
                unit: #unit,
                source: #source,
                why: #why,
                range: crate::scenario::table::Range {
                    min: #min,
                    max: #max,
                    above: #above,
                    below: #below,
                },
                kind: <#ty as crate::scenario::table::Params>::kind,
                section: #section,
            }
        });
        checks.push(quote! {
            crate::scenario::table::Params::check(
                &self.#ident,
                &crate::scenario::table::join(key, #key),
                &Self::FIELDS[#index],
                checker,
            );
        });
    }
    let count = specs.len();
    let default_impl = if every_default && !struct_decl.no_default {
        quote! {
            impl ::core::default::Default for #name {
                fn default() -> Self {
                    #name { #(#defaults),* }
                }
            }
        }
    } else {
        quote!()
    };
    Ok(quote! {
        #default_impl

        impl #name {
            /// The section's keys, in the order of its fields.
            pub const FIELDS: &'static [crate::scenario::table::Field; #count] = &[#(#specs),*];
        }

        impl crate::scenario::table::Params for #name {
            fn kind() -> crate::scenario::table::Kind {
                crate::scenario::table::Kind::Section(crate::scenario::table::Section {
                    doc: #section_doc,
                    fields: Self::FIELDS,
                })
            }

            fn check(
                &self,
                key: &str,
                _field: &crate::scenario::table::Field,
                checker: &mut crate::scenario::table::Checker,
            ) {
                #(#checks)*
            }
        }
    })
}

/// `snake_case` of a variant's name, as serde's `rename_all = "snake_case"` spells it.
fn snake_case(ident: &str) -> String {
    let mut out = String::new();
    for (i, c) in ident.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `#[derive(Choice)]`: an enum whose variants (unit variants, spelled in snake_case as serde's
/// `rename_all = "snake_case"` spells them) are a key's choices. Also gives the enum `ALL`,
/// `COUNT`, `index()` and `name()`.
#[proc_macro_derive(Choice)]
pub fn derive_choice(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    let name = &input.ident;
    let Data::Enum(data) = &input.data else {
        return syn::Error::new_spanned(name, "Choice is for enums")
            .to_compile_error()
            .into();
    };
    let mut choices = Vec::new();
    let mut variants = Vec::new();
    let mut names = Vec::new();
    for v in &data.variants {
        if !matches!(v.fields, Fields::Unit) {
            return syn::Error::new_spanned(v, "a choice is a unit variant")
                .to_compile_error()
                .into();
        }
        let ident = &v.ident;
        let spelled = snake_case(&ident.to_string());
        let doc = doc_of(&v.attrs);
        choices.push(quote! {
            crate::scenario::table::Choice { name: #spelled, doc: #doc }
        });
        names.push(quote!(#name::#ident => #spelled));
        variants.push(quote!(#name::#ident));
    }
    let count = variants.len();
    quote! {
        impl #name {
            /// Every choice, in order.
            pub const ALL: [#name; #count] = [#(#variants),*];
            /// How many choices there are.
            pub const COUNT: usize = #count;

            /// Position in [`Self::ALL`].
            pub fn index(self) -> usize {
                self as usize
            }

            /// The name used in scenario keys and output files.
            pub fn name(self) -> &'static str {
                match self {
                    #(#names),*
                }
            }
        }

        impl crate::scenario::table::Params for #name {
            fn kind() -> crate::scenario::table::Kind {
                static CHOICES: [crate::scenario::table::Choice; #count] = [#(#choices),*];
                crate::scenario::table::Kind::Choice(&CHOICES)
            }

            fn check(
                &self,
                _key: &str,
                _field: &crate::scenario::table::Field,
                _checker: &mut crate::scenario::table::Checker,
            ) {
            }
        }
    }
    .into()
}
