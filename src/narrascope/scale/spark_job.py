"""The Spark job: read -> clean -> enrich over a cluster, written as Parquet for ``narrascope load``.

Stages, and where they run:

1. driver: list the inputs and plan the files in local ingest's order (``listing.py``);
2. executors, per file: read through the ingest readers (``reading.py``); Parquet row by row;
3. driver: number the documents in reading order (each file's count, summed: one small job);
4. executors: text documents grouped by outlet, so that each outlet's furniture is counted as local ingest
   counts it (``cleaning.py``); then every document is cleaned, spread out again;
5. executors, per partition: the model, on the first document of each text (``enriching.py``);
6. one task: what depends on order, in reading order: deduplication, store order, entity resolution
   (``replay.py``); its rows are the datasets of ``results.py``, written in order.
"""

from __future__ import annotations

import os
import re
import sys
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from pyspark import RDD, SparkContext, StorageLevel
from pyspark.errors import AnalysisException, PySparkRuntimeError
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from narrascope import __version__
from narrascope.clean import repetition_group
from narrascope.enrich.enricher import Enricher
from narrascope.enrich.entities import EntityResolver, load_aliases
from narrascope.errors import NarrascopeError
from narrascope.ingest import IngestOptions
from narrascope.model import Article, IngestError
from narrascope.pipeline import clean_one
from narrascope.scale import cleaning, enriching, reading, replay
from narrascope.scale import results as out
from narrascope.scale.listing import InputFile, Listed, plan
from narrascope.scale.replay import JobReport

_DISK = StorageLevel.MEMORY_AND_DISK
_GLOB = re.compile(r"([\[\]{}*?\\])")
_ROW_FILE, _ROW_INDEX = "_narrascope_file", "_narrascope_row"


@dataclass(frozen=True, slots=True)
class JobSettings:
    options: IngestOptions = field(default_factory=IngestOptions)
    model: str | None = None  # spaCy model name or path, installed on every executor
    aliases: str | None = None  # the user's alias file, read on the driver and shipped with the job
    parse: str = "selective"
    partitions: int | None = None  # for cleaning and the model; default 4 per core


def spark_session(master: str | None = None, conf: Mapping[str, str] | None = None) -> SparkSession:
    """The active session, else a new one (quiet logs, no console progress bar). Under ``spark-submit``
    the master comes from there; a local master runs its Python workers on this interpreter."""
    builder = (
        SparkSession.builder.appName("narrascope")
        .config("spark.ui.showConsoleProgress", "false")
        # listing many files runs as a job of one task per file by default: a few dozen tasks list faster
        .config("spark.sql.sources.parallelPartitionDiscovery.parallelism", "32")
    )
    if master:
        builder = builder.master(master)
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ  # started by spark-submit, which set the master
    local = master.startswith("local") if master else not submitted
    if local and "PYSPARK_PYTHON" not in os.environ:
        builder = builder.config("spark.pyspark.python", sys.executable)
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def spark_enrich(
    inputs: Sequence[str],
    output: str,
    settings: JobSettings,
    *,
    master: str | None = None,
    conf: Mapping[str, str] | None = None,
) -> JobReport:
    """``run`` in the active Spark session (``spark-submit``, a notebook, tests), else in a new one that
    is stopped afterwards."""
    active = SparkSession.getActiveSession()
    if active is not None:
        return run(active, inputs, output, settings)
    try:
        spark = spark_session(master, conf)
    except PySparkRuntimeError as exc:
        if "JAVA_GATEWAY_EXITED" not in str(exc):
            raise
        raise NarrascopeError("E501", "Spark could not start Java: install Java 17 or later") from exc
    try:
        return run(spark, inputs, output, settings)
    finally:
        spark.stop()


def run(spark: SparkSession, inputs: Sequence[str], output: str, settings: JobSettings) -> JobReport:
    """Read, clean and enrich ``inputs`` (paths, globs or URIs Spark reads) into Parquet datasets under
    ``output`` (each replaced if present)."""
    sc = spark.sparkContext
    partitions = settings.partitions or 4 * sc.defaultParallelism
    files, listed_errors = plan([_list(spark, given) for given in inputs], settings.options)
    items = _read(spark, files, settings.options).persist(_DISK)
    cleaned = _clean(_documents(sc, items), partitions).persist(_DISK)
    enricher = Enricher(
        EntityResolver(load_aliases(settings.aliases)), model=settings.model, parse=settings.parse
    )
    stream = (
        sc.parallelize([((seq, replay.READ), (None, e)) for seq, e in listed_errors], 1)
        .union(items.filter(lambda i: i[1] < 0).map(lambda i: ((i[0], replay.READ), (None, i[2]))))
        .union(cleaned.map(lambda c: ((c[1], replay.READ), (c[0], c[2]))))
        .union(_analysed(cleaned, enricher, partitions))
    )
    rows = (
        stream.repartitionAndSortWithinPartitions(1, partitionFunc=lambda _: 0)
        .mapPartitions(lambda part: replay.replay(part, enricher))
        .persist(_DISK)
    )
    report = _write(spark, rows, output.rstrip("/"), (__version__, enricher.pipeline, list(inputs)))
    for rdd in (items, cleaned, rows):
        rdd.unpersist()
    return report


def _documents(sc: SparkContext, items: RDD[reading.Item]) -> RDD[cleaning.Numbered]:
    """The documents numbered in reading order: a file's first ordinal is the count of documents in the
    files before it (one small job), the others follow."""
    sizes = items.filter(lambda i: i[1] >= 0).map(lambda i: (i[0] >> 32, i[1] + 1)).reduceByKey(max)
    offsets, total = {}, 0
    for index, size in sorted(sizes.collectAsMap().items()):
        offsets[index], total = total, total + size
    first = sc.broadcast(offsets)
    return items.filter(lambda i: i[1] >= 0).map(lambda i: (first.value[i[0] >> 32] + i[1], i[0], i[2]))


def _clean(docs: RDD[cleaning.Numbered], partitions: int) -> RDD[tuple[int, int, Article | IngestError]]:
    """(ordinal, seq, Article or IngestError): text documents get their furniture per outlet (one task
    per outlet, counting only), then every document is cleaned wherever it is."""
    text = (
        docs.filter(lambda n: n[2].kind == "text")
        .map(lambda n: ((repetition_group(n[2]), n[0]), (n[1], n[2])))
        .repartitionAndSortWithinPartitions(partitions, partitionFunc=_group_partition)
        .mapPartitions(cleaning.furnish_groups)
        .repartition(partitions)  # an outlet's pages spread out again for cleaning
    )
    html = docs.filter(lambda n: n[2].kind != "text").map(lambda n: (*n, frozenset()))
    return text.union(html).map(lambda f: (f[0], f[1], clean_one(f[2], f[3])))


def _analysed(cleaned: RDD[tuple[int, int, Any]], enricher: Enricher, partitions: int) -> RDD[replay.Keyed]:
    """The model's analysis of the first document of each text (the one the store keeps), keyed to
    follow it in the ordered pass."""
    return (
        cleaned.filter(lambda c: isinstance(c[2], Article))
        .map(lambda c: (c[2].content_hash, c))
        .reduceByKey(lambda a, b: a if a[0] < b[0] else b, numPartitions=partitions)
        .values()
        .mapPartitions(lambda part: enriching.analyse(part, enricher))
        .map(lambda a: ((a[0], replay.ANALYSED), a[1]))
    )


def _write(spark: SparkSession, rows: RDD[replay.Row], folder: str, run: tuple[Any, ...]) -> JobReport:
    """Every dataset from the ordered rows, then ``run`` (version, pipeline, inputs, counts, time)."""
    for name in (out.ARTICLES, out.SOURCES, out.ERRORS, out.MENTIONS, out.STATEMENTS, out.ENTITIES):
        _save(spark, rows.filter(lambda r, name=name: r[0] == name).values(), name, folder)
    report = JobReport(*rows.filter(lambda r: r[0] == replay.REPORT).values().first())
    created = datetime.now(timezone.utc).isoformat(timespec="seconds")
    row = (*run, report.documents, report.articles, report.errors, created)
    _save(spark, spark.sparkContext.parallelize([row], 1), out.RUN, folder)
    return report


def _save(spark: SparkSession, rows: RDD[tuple[Any, ...]], name: str, folder: str) -> None:
    spark.createDataFrame(rows, out.SCHEMAS[name]).write.mode("overwrite").parquet(f"{folder}/{name}")


def _list(spark: SparkSession, given: str) -> Listed:
    """Every file under ``given`` (a path, URI or glob) with its size; None when nothing matches."""
    try:
        frame = spark.read.format("binaryFile").option("recursiveFileLookup", "true").load(given)
        return Listed(given, [(r.path, r.length) for r in frame.select("path", "length").collect()])
    except AnalysisException as exc:
        if "PATH_NOT_FOUND" in str(exc):
            return Listed(given, None)
        raise


def _read(spark: SparkSession, files: list[InputFile], options: IngestOptions) -> RDD[reading.Item]:
    """(seq, rank, Document or IngestError) of every file: whole files by their bytes, Parquet by rows."""
    sc = spark.sparkContext
    items: RDD[reading.Item] = sc.emptyRDD()
    whole = {f.uri: f for f in files if not f.parquet}
    if whole:
        by_uri = sc.broadcast(whole)
        contents = _binary(spark, list(whole))
        sidecars = {f.sidecar: f.uri for f in whole.values() if f.sidecar}
        if sidecars:
            owner = sc.broadcast(sidecars)
            side = _binary(spark, list(sidecars)).map(lambda r: (owner.value[r[0]], r[1]))
            joined = contents.leftOuterJoin(side)
        else:
            joined = contents.map(lambda r: (r[0], (r[1], None)))
        items = joined.flatMap(lambda r: reading.read_file(by_uri.value[r[0]], r[1][0], r[1][1], options))
    parquet = {f.uri: f for f in files if f.parquet}
    if parquet:
        by_file = sc.broadcast(parquet)
        rows = spark.read.parquet(*(_GLOB.sub(r"\\\1", u) for u in parquet)).select(
            "*", F.col("_metadata.file_path").alias(_ROW_FILE), F.col("_metadata.row_index").alias(_ROW_INDEX)
        )
        items = items.union(
            rows.rdd.map(lambda row: _parquet_item(row.asDict(recursive=True), by_file.value, options))
        )
    return items


def _binary(spark: SparkSession, uris: list[str]) -> RDD[tuple[str, bytes]]:
    frame = spark.read.format("binaryFile").load([_GLOB.sub(r"\\\1", u) for u in uris])  # literal names
    return frame.select("path", "content").rdd.map(lambda r: (r[0], bytes(r[1])))


def _parquet_item(
    record: dict[str, Any], files: Mapping[str, InputFile], options: IngestOptions
) -> reading.Item:
    uri, row = record.pop(_ROW_FILE), record.pop(_ROW_INDEX)
    return reading.read_row(files[uri], row, record, options)


def _group_partition(key: tuple[str, int]) -> int:
    """Partition of a (group, ordinal) key by its group alone: a stable hash (Python's str hash is salted)."""
    return zlib.crc32(key[0].encode("utf-8", "surrogatepass"))
