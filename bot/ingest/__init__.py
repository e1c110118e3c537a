"""From a link to stored statements: fetch, read, pipeline, jobs and their queue, feeds and batches."""
