"""Staff insights over the tracker store: report, unanswered queue, labelled export.

Read-only and without personal data: counts per day and channel, messages only after
masking (:mod:`bot.insights.mask`), senders only as short salted hashes.
"""
