//! Lenient input decoding, as MidoNet's Jackson 2.5 reader does it (spec §5): numbers and
//! booleans may arrive as JSON strings (eucanetd sends every scalar as a string), `null` on a
//! primitive field reads as the default, an empty string on a UUID field reads as null, and a
//! number on a string field is stringified. Output is never affected: these are
//! `deserialize_with` helpers only.
use serde::de::{self, Deserializer};
use serde::Deserialize;
use uuid::Uuid;

/// Any JSON scalar; objects and arrays are rejected by serde with a type error.
#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

fn to_i64<E: de::Error>(s: Option<Scalar>, what: &str) -> Result<Option<i64>, E> {
    match s {
        None => Ok(None),
        Some(Scalar::Int(n)) => Ok(Some(n)),
        // Jackson truncates floats into int fields.
        Some(Scalar::Float(f)) => Ok(Some(f.trunc() as i64)),
        Some(Scalar::Bool(_)) => Err(E::custom(format!(
            "Can not deserialize value of type {what} from Boolean value"
        ))),
        Some(Scalar::Str(t)) => {
            let t = t.trim();
            if t.is_empty() {
                return Ok(None);
            }
            t.parse::<i64>().map(Some).map_err(|_| {
                E::custom(format!(
                    "Can not construct instance of {what} from String value '{t}': not a valid {what} value"
                ))
            })
        }
    }
}

fn ranged<E: de::Error, T: TryFrom<i64>>(v: i64, what: &str) -> Result<T, E> {
    T::try_from(v).map_err(|_| E::custom(format!("Numeric value ({v}) out of range of {what}")))
}

/// Java `int`: null or "" → 0.
pub fn int<'de, D: Deserializer<'de>>(d: D) -> Result<i32, D::Error> {
    let v = to_i64(Option::<Scalar>::deserialize(d)?, "int")?;
    v.map_or(Ok(0), |v| ranged(v, "int"))
}

/// Java `Integer`: null or "" → null.
pub fn opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
    let v = to_i64(Option::<Scalar>::deserialize(d)?, "java.lang.Integer")?;
    v.map(|v| ranged(v, "int")).transpose()
}

/// Java `short` (bridge-port `vlanId`): out of range → parse error, as Jackson does.
pub fn short<'de, D: Deserializer<'de>>(d: D) -> Result<i16, D::Error> {
    let v = to_i64(Option::<Scalar>::deserialize(d)?, "short")?;
    v.map_or(Ok(0), |v| ranged(v, "Java short"))
}

/// Java `long`.
pub fn long<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    Ok(to_i64(Option::<Scalar>::deserialize(d)?, "long")?.unwrap_or(0))
}

fn to_bool<E: de::Error>(s: Option<Scalar>) -> Result<Option<bool>, E> {
    match s {
        None => Ok(None),
        Some(Scalar::Bool(b)) => Ok(Some(b)),
        Some(Scalar::Int(n)) => Ok(Some(n != 0)),
        Some(Scalar::Float(f)) => Ok(Some(f != 0.0)),
        Some(Scalar::Str(t)) => match t.trim() {
            "true" | "True" => Ok(Some(true)),
            "false" | "False" => Ok(Some(false)),
            "" => Ok(None),
            other => Err(E::custom(format!(
                "Can not construct instance of boolean from String value '{other}': only \"true\" or \"false\" recognized"
            ))),
        },
    }
}

/// Java `boolean` defaulting to false (null → false).
pub fn boolean<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(to_bool(Option::<Scalar>::deserialize(d)?)?.unwrap_or(false))
}

/// Java `boolean` whose model default is true (e.g. `adminStateUp`); an explicit null still
/// reads as false, as for any Java primitive.
pub fn boolean_true<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(to_bool(Option::<Scalar>::deserialize(d)?)?.unwrap_or(false))
}

/// Java `Boolean`.
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    to_bool(Option::<Scalar>::deserialize(d)?)
}

/// Java `String`: scalars are stringified (Jackson coerces numbers and booleans to text).
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Scalar>::deserialize(d)? {
        None => None,
        Some(Scalar::Str(s)) => Some(s),
        Some(Scalar::Int(n)) => Some(n.to_string()),
        Some(Scalar::Float(f)) => Some(f.to_string()),
        Some(Scalar::Bool(b)) => Some(b.to_string()),
    })
}

/// Java `UUID`: "" → null (Jackson's from-string deserializers map empty text to null).
pub fn opt_uuid<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Uuid>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(s) if s.trim().is_empty() => Ok(None),
        Some(s) => Uuid::parse_str(s.trim()).map(Some).map_err(|_| {
            de::Error::custom(format!(
                "Can not construct instance of java.util.UUID from String value '{s}': not a valid textual representation"
            ))
        }),
    }
}

/// Java `UUID[]` / `List<UUID>`: null → empty.
pub fn uuids<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Uuid>, D::Error> {
    #[derive(Deserialize)]
    struct U(#[serde(deserialize_with = "opt_uuid")] Option<Uuid>);
    let v = Option::<Vec<U>>::deserialize(d)?;
    Ok(v.unwrap_or_default()
        .into_iter()
        .filter_map(|u| u.0)
        .collect())
}

/// Java `List<String>`: null → empty; scalar elements stringified.
pub fn strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    struct S(#[serde(deserialize_with = "opt_string")] Option<String>);
    let v = Option::<Vec<S>>::deserialize(d)?;
    Ok(v.unwrap_or_default()
        .into_iter()
        .filter_map(|s| s.0)
        .collect())
}

/// A list that tells "absent or null" (None) from "present" (Some), for fields such as the
/// bridge's `vxLanPortIds` that must be absent on create.
pub fn opt_uuids<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<Uuid>>, D::Error> {
    #[derive(Deserialize)]
    struct U(#[serde(deserialize_with = "opt_uuid")] Option<Uuid>);
    let v = Option::<Vec<U>>::deserialize(d)?;
    Ok(v.map(|v| v.into_iter().filter_map(|u| u.0).collect()))
}

/// Default for `adminStateUp`-style fields.
pub fn yes() -> bool {
    true
}

/// A read-only link field: kept when it is a string, otherwise dropped (links are ignored on
/// input by the server, so an odd value must not fail the request).
pub fn link<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Some(s),
        _ => None,
    })
}

/// Default `position` of a rule (spec §9.8).
pub fn one() -> i32 {
    1
}
