"""scale: the read -> clean -> enrich pipeline on PySpark, and the loader of its Parquet output.

Contracts (pyspark is imported only by ``spark_job``; ``load`` needs pyarrow alone):

- ``spark_job.run(spark, inputs, output, settings) -> JobReport``: reads every input Spark can list
  (paths, globs, ``hdfs://``/``s3a://`` URIs; HTML, text, JSON, JSONL, CSV, WARC, feeds, and Parquet
  records through the field map), cleans and enriches, and writes the datasets of ``results.py``.
- ``load.load(store, folder) -> LoadReport``: writes those datasets into a store, in the order and the
  transactions of local ``ingest`` + ``enrich``; idempotent.

The two paths give identical stores (articles, sources, errors, entities, mentions, statements, hence
narratives): the job reproduces local ingest's file order, its chunked furniture counts per outlet
(``cleaning.py``), first-wins deduplication, store order, and enrich's ordered entity resolution
(``enriching.py``); only the model's work is spread over the cluster.
"""
