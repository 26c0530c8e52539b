/**
 * A new session records the region that opened it (AWS_REGION, which Lambda and ECS set): the
 * home region that multi-region routing would send its rotations to (docs/deploy.md). Outside
 * AWS nothing is stamped, and the attribute never reaches a response.
 */
import t from 'tap'
import { GetCommand } from '@aws-sdk/lib-dynamodb'
import { createDynamoClients, createTables } from '@gatehouse/dynamo'
import { USER_ID, buildTestApp, gatewayAuth, issue } from './helper.ts'

t.test('a session opened in a region keeps that region as its home', async (t) => {
  const { app, dynamo } = await buildTestApp(t, 'home-region', { env: { AWS_REGION: 'eu-west-1' } })
  // DynamoDB Local keeps one set of tables per region: the service now talks to eu-west-1's.
  const regional = createDynamoClients({ endpoint: dynamo.endpoint, region: 'eu-west-1' })
  t.teardown(() => regional.destroy())
  await createTables(regional.client, dynamo.prefix)
  const pair = await issue(app)
  const { Item } = await regional.doc.send(new GetCommand({ TableName: dynamo.tables.Sessions, Key: { sessionId: pair.sessionId } }))
  t.equal(Item?.['region'], 'eu-west-1')
  const listed = await app.inject({ method: 'GET', url: `/v1/users/${USER_ID}/sessions`, headers: { authorization: gatewayAuth } })
  t.equal(listed.statusCode, 200)
  t.notMatch(listed.body, /eu-west-1/, 'an internal routing detail, not part of the session listing')
})

t.test('without AWS_REGION no region is stamped', async (t) => {
  const { app, dynamo } = await buildTestApp(t, 'no-region')
  const pair = await issue(app)
  const { Item } = await dynamo.doc.send(new GetCommand({ TableName: dynamo.tables.Sessions, Key: { sessionId: pair.sessionId } }))
  t.ok(Item, 'the session exists')
  t.notOk('region' in (Item ?? {}))
})
