//! A serde `Deserializer` over one FlexibleSearch row, so results can be read straight
//! into a caller's types. HAC sends every cell as text; numbers and booleans are parsed
//! on demand, `NULL` maps to `None`.
//!
//! A struct's fields are matched to columns as `Row::get` matches names: exactly, then
//! ASCII case-insensitively, then as FlexibleSearch's SQL column (`p_` + the name), so a
//! field `code` is filled from the column `p_code` that `{code}` produces.

use serde::de::value::{Error, StrDeserializer};
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::forward_to_deserialize_any;

use crate::console::row_table::Cells;

/// Deserializes one row into `T`. On failure: serde's message and the field (or column)
/// it is about, when known.
pub(crate) fn deserialize_row<T: de::DeserializeOwned>(
    headers: &[String],
    cells: Cells<'_>,
) -> Result<T, (String, Option<String>)> {
    let current = std::cell::Cell::new(None);
    let de = RowDeserializer {
        headers,
        cells,
        pos: 0,
        fields: Vec::new(),
        current: &current,
    };
    T::deserialize(de).map_err(|e| {
        let message = e.to_string();
        let field = match current.get() {
            Some((i, field)) => field.map(str::to_owned).or_else(|| headers.get(i).cloned()),
            // Errors the visitor raises itself name their field: "missing field `code`".
            None => message
                .split_once('`')
                .and_then(|(_, rest)| rest.split_once('`'))
                .map(|(name, _)| name.to_owned()),
        };
        (message, field)
    })
}

struct RowDeserializer<'a> {
    headers: &'a [String],
    cells: Cells<'a>,
    pos: usize,
    /// For a struct: the field each column fills, where one matches.
    fields: Vec<Option<&'static str>>,
    /// The column (and the field it fills) whose value is being read, to name it in an
    /// error.
    current: &'a std::cell::Cell<Option<(usize, Option<&'static str>)>>,
}

impl RowDeserializer<'_> {
    /// Reads the value at the current position, noting which it is until it succeeds.
    fn value<'de, V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let cell = self.cells.get(self.pos).flatten();
        let field = self.fields.get(self.pos).copied().flatten();
        self.current.set(Some((self.pos, field)));
        self.pos += 1;
        let value = seed.deserialize(Cell(cell))?;
        self.current.set(None);
        Ok(value)
    }

    /// Assigns each field the column that matches it best; a column goes to one field at
    /// most, and columns that match no field keep their own names.
    fn map_fields(&mut self, fields: &'static [&'static str]) {
        let mut assigned: Vec<Option<(u8, &'static str)>> = vec![None; self.headers.len()];
        for field in fields {
            let best = self
                .headers
                .iter()
                .enumerate()
                .filter_map(|(i, h)| match_rank(h, field).map(|r| (r, i)))
                .filter(|(r, i)| assigned[*i].is_none_or(|(other, _)| *r < other))
                .min();
            if let Some((rank, i)) = best {
                assigned[i] = Some((rank, field));
            }
        }
        self.fields = assigned.into_iter().map(|a| a.map(|(_, f)| f)).collect();
    }
}

impl<'de> de::Deserializer<'de> for RowDeserializer<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_map(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_seq(self)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_seq(self)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_seq(self)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        mut self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.map_fields(fields);
        visitor.visit_map(self)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct map enum identifier ignored_any
    }
}

impl<'de> MapAccess<'de> for RowDeserializer<'_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        match self.headers.get(self.pos) {
            None => Ok(None),
            Some(h) => {
                let name = self.fields.get(self.pos).copied().flatten().unwrap_or(h);
                let key: StrDeserializer<'_, Error> = name.into_deserializer();
                seed.deserialize(key).map(Some)
            }
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        self.value(seed)
    }
}

impl<'de> SeqAccess<'de> for RowDeserializer<'_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        if self.pos >= self.cells.len() {
            return Ok(None);
        }
        self.value(seed).map(Some)
    }
}

/// One cell: text or `NULL`.
struct Cell<'a>(Option<&'a str>);

macro_rules! parse_number {
    ($($method:ident => $visit:ident : $ty:ty),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            let s = self.text()?;
            let n: $ty = s.trim().parse().map_err(|_| {
                de::Error::custom(format!("cell {s:?} is not a valid {}", stringify!($ty)))
            })?;
            visitor.$visit(n)
        }
    )*};
}

impl<'a> Cell<'a> {
    fn text(&self) -> Result<&'a str, Error> {
        self.0
            .ok_or_else(|| de::Error::custom("NULL cell for a non-optional field"))
    }
}

impl<'de> de::Deserializer<'de> for Cell<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            None => visitor.visit_unit(),
            Some(s) => visitor.visit_str(s),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            None => visitor.visit_none(),
            Some(_) => visitor.visit_some(self),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let s = self.text()?;
        match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => visitor.visit_bool(true),
            "false" | "0" => visitor.visit_bool(false),
            _ => Err(de::Error::custom(format!("cell {s:?} is not a boolean"))),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let s: StrDeserializer<'_, Error> = self.text()?.into_deserializer();
        visitor.visit_enum(s)
    }

    parse_number! {
        deserialize_i8 => visit_i8: i8,
        deserialize_i16 => visit_i16: i16,
        deserialize_i32 => visit_i32: i32,
        deserialize_i64 => visit_i64: i64,
        deserialize_i128 => visit_i128: i128,
        deserialize_u8 => visit_u8: u8,
        deserialize_u16 => visit_u16: u16,
        deserialize_u32 => visit_u32: u32,
        deserialize_u64 => visit_u64: u64,
        deserialize_u128 => visit_u128: u128,
        deserialize_f32 => visit_f32: f32,
        deserialize_f64 => visit_f64: f64,
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_str(self.text()?)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_str(self.text()?)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_str(self.text()?)
    }

    forward_to_deserialize_any! {
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

/// How well a column header matches a name: exactly (0), ASCII case-insensitively (1), or
/// as the SQL column FlexibleSearch makes of an attribute, `p_` + the name in any case
/// (2). `None`: not at all.
pub(crate) fn match_rank(header: &str, name: &str) -> Option<u8> {
    if header == name {
        Some(0)
    } else if header.eq_ignore_ascii_case(name) {
        Some(1)
    } else if header.len() == name.len() + 2
        && header.is_char_boundary(2)
        && header[..2].eq_ignore_ascii_case("p_")
        && header[2..].eq_ignore_ascii_case(name)
    {
        Some(2)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    fn s(v: &str) -> Option<String> {
        Some(v.to_owned())
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Product {
        #[serde(rename = "PK")]
        pk: u64,
        code: String,
        name: Option<String>,
        price: Option<f64>,
        online: bool,
    }

    fn table(cells: Vec<Option<String>>) -> crate::console::row_table::Table {
        crate::console::row_table::Table::from_rows([cells]).unwrap()
    }

    #[test]
    fn struct_by_name_with_nulls_and_numbers() {
        let headers = vec![
            "PK".into(),
            "code".into(),
            "name".into(),
            "price".into(),
            "online".into(),
            "extra".into(),
        ];
        let cells = vec![
            s("8796093054977"),
            s("0001"),
            None,
            s(" 9.5 "),
            s("true"),
            s("ignored"),
        ];
        let t = table(cells);
        let p = deserialize_row::<Product>(&headers, t.row(0)).unwrap();
        assert_eq!(
            p,
            Product {
                pk: 8796093054977,
                code: "0001".into(),
                name: None,
                price: Some(9.5),
                online: true
            }
        );
    }

    #[test]
    fn fields_match_sql_columns() {
        #[derive(Debug, Deserialize, PartialEq)]
        struct P {
            pk: u64,
            code: String,
            name: Option<String>,
        }
        let headers = vec!["PK".into(), "p_code".into(), "P_NAME".into(), "code".into()];
        let t = table(vec![s("1"), s("sql"), None, s("exact")]);
        let p = deserialize_row::<P>(&headers, t.row(0)).unwrap();
        assert_eq!(
            p,
            P {
                pk: 1,
                code: "exact".into(),
                name: None
            },
            "an exact match wins over p_code"
        );
        let headers = vec!["PK".into(), "p_code".into()];
        let t = table(vec![s("1"), s("sql")]);
        let p = deserialize_row::<P>(&headers, t.row(0)).unwrap();
        assert_eq!(
            (p.code.as_str(), p.name),
            ("sql", None),
            "missing Option is None"
        );
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Strict {
            name: String,
        }
        let e = deserialize_row::<Strict>(&headers, t.row(0)).unwrap_err();
        assert!(e.0.contains("missing field `name`"), "{e:?}");
        assert_eq!(e.1.as_deref(), Some("name"));
    }

    #[test]
    fn tuple_by_position_and_errors() {
        let headers = vec!["a".into(), "b".into()];
        let cells = table(vec![s("1"), None]);
        let t: (u8, Option<String>) = deserialize_row(&headers, cells.row(0)).unwrap();
        assert_eq!(t, (1, None));
        let e = deserialize_row::<(u8, String)>(&headers, cells.row(0)).unwrap_err();
        assert!(e.0.contains("NULL"), "{e:?}");
        assert_eq!(e.1.as_deref(), Some("b"), "the column of a tuple element");
        let cells = table(vec![s("x"), s("y")]);
        let e = deserialize_row::<(u8, String)>(&headers, cells.row(0)).unwrap_err();
        assert!(e.0.contains("not a valid u8"), "{e:?}");
        assert_eq!(e.1.as_deref(), Some("a"));
    }
}
