# syntax=docker/dockerfile:1
# The compose stack's one-shot table-creation job (tools/deploy/tables-job.ts, bundled by
# `npm run build`). Self-contained bundle: no npm install at all.
FROM node:24-bookworm-slim
WORKDIR /app
COPY dist/tools/tables/package.json dist/tools/tables/tables.mjs ./
USER node
# A job that exits when done: nothing to health-check.
HEALTHCHECK NONE
CMD ["node", "tables.mjs"]
