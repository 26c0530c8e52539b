import t from 'tap'
import { EMAIL_INDEX, TABLES, USER_SESSIONS_INDEX, createTables, describeTable, useTestDynamo } from '../src/index.ts'

t.test('create-tables is idempotent: a second run creates nothing and fails on nothing', async (t) => {
  const dynamo = await useTestDynamo(t, 'ct')
  const again = await createTables(dynamo.client, dynamo.prefix)
  t.same(again.created, [])
  t.same(again.existing, TABLES.map((table) => `${dynamo.prefix}${table.name}`).sort())
})

t.test('the Users email GSI exists with the projection login needs', async (t) => {
  const dynamo = await useTestDynamo(t, 'gsi')
  const { table } = await describeTable(dynamo.client, dynamo.tables.Users)
  const index = table?.GlobalSecondaryIndexes?.find((gsi) => gsi.IndexName === EMAIL_INDEX)
  t.ok(index, 'email index exists')
  t.same(index?.KeySchema, [{ AttributeName: 'email', KeyType: 'HASH' }])
  t.equal(index?.Projection?.ProjectionType, 'INCLUDE')
  t.ok(index?.Projection?.NonKeyAttributes?.includes('passwordHash'))
  t.equal(table?.BillingModeSummary?.BillingMode ?? 'PAY_PER_REQUEST', 'PAY_PER_REQUEST')
})

t.test('the Sessions user index and every TTL attribute exist as defined', async (t) => {
  const dynamo = await useTestDynamo(t, 'ttl')
  const sessions = await describeTable(dynamo.client, dynamo.tables.Sessions)
  t.ok(sessions.table?.GlobalSecondaryIndexes?.some((gsi) => gsi.IndexName === USER_SESSIONS_INDEX))
  for (const definition of TABLES) {
    const { ttl } = await describeTable(dynamo.client, `${dynamo.prefix}${definition.name}`)
    if (definition.ttlAttribute === undefined) {
      t.not(ttl?.TimeToLiveStatus, 'ENABLED', `${definition.name} has no TTL`)
    } else {
      t.equal(ttl?.AttributeName, definition.ttlAttribute, `${definition.name} TTL attribute`)
      t.equal(ttl?.TimeToLiveStatus, 'ENABLED', `${definition.name} TTL enabled`)
    }
  }
})
