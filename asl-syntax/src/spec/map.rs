//! Map states, inline and distributed, with a distributed Map's reader, batcher and writer.

use super::{Dynamic, Io, Retrier};
use crate::path::Path;
use crate::template::{Query, Template};
use crate::{List, Lit, Str};

/// Where the items come from.
#[derive(Clone, Debug, PartialEq)]
pub enum Items {
    /// The effective input itself.
    Input,
    /// `ItemsPath`.
    Path(Path),
    /// JSONata `Items: "{% … %}"`.
    Query(Query),
    /// A literal `Items` array.
    Lit(Lit),
    /// An `Items` array with `{% %}` expressions inside (at any depth), evaluated in order.
    Template(Template),
}

/// A Map state (its processor's first state and its catchers are kept apart: they name states).
#[derive(Clone, Debug, PartialEq)]
pub struct MapSpec {
    /// `parameters` holds the ItemSelector.
    pub io: Io,
    pub items: Items,
    pub max_concurrency: Option<Dynamic<u64>>,
    /// DISTRIBUTED mode: run here like inline iterations, with a Map Run's events and failure
    /// tolerance.
    pub distributed: bool,
    /// `ToleratedFailureCount(Path)`, as a number of items.
    pub tolerated_failure_count: Option<Dynamic<f64>>,
    pub tolerated_failure_percentage: Option<Dynamic<f64>>,
    /// `ItemReader` (distributed): the items come from a local file or directory.
    pub reader: Option<ReaderSpec>,
    /// `ItemBatcher` (distributed): each child execution gets a batch of items.
    pub batcher: Option<BatcherSpec>,
    /// `ResultWriter` (distributed).
    pub writer: Option<WriterSpec>,
    /// `Label`: names the Map Run (default: the state's name).
    pub label: Option<Str>,
    pub retry: List<Retrier>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ReaderSpec {
    pub source: Source,
    /// `Parameters` (JSONPath) or `Arguments` (JSONata): `Bucket`, and `Key` or `Prefix`.
    pub parameters: Template,
    /// `ReaderConfig.MaxItems(Path)`.
    pub max_items: Option<Dynamic<u64>>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// `arn:aws:states:::s3:getObject`.
    GetObject(Format),
    /// `arn:aws:states:::s3:listObjectsV2`.
    ListObjects,
}

/// `ReaderConfig.InputType` with its options.
#[derive(Clone, Debug, PartialEq)]
pub enum Format {
    Json {
        items_pointer: Option<Str>,
    },
    Jsonl,
    /// `headers`: `CSVHeaders` (`CSVHeaderLocation: GIVEN`); None: the first row.
    Csv {
        headers: Option<List<Str>>,
        delimiter: u8,
    },
}

/// `ItemBatcher`.
#[derive(Clone, Debug, PartialEq)]
pub struct BatcherSpec {
    /// `MaxItemsPerBatch(Path)`.
    pub max_items: Option<Dynamic<u64>>,
    /// `MaxInputBytesPerBatch(Path)`.
    pub max_bytes: Option<Dynamic<u64>>,
    /// `BatchInput`: evaluated once with the state's input, added to every batch.
    pub batch_input: Option<Template>,
}

/// `ResultWriter`.
#[derive(Clone, Debug, PartialEq)]
pub struct WriterSpec {
    /// `Parameters`/`Arguments` of `s3:putObject` (`Bucket`, `Prefix`); None: no export.
    pub parameters: Option<Template>,
    pub output_type: OutputType,
    /// None: `NONE` when exporting, `COMPACT` otherwise (AWS's defaults).
    pub transformation: Option<Transformation>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputType {
    /// A JSON array per file (`.json`).
    Json,
    /// JSON Lines (`.jsonl`).
    Jsonl,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transformation {
    /// Every child execution's record: ARN, input, output, status, dates.
    None,
    /// The outputs only (a failed child keeps its record).
    Compact,
    /// Like `Compact`, with outputs that are arrays spliced into the result.
    Flatten,
}
