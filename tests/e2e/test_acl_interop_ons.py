"""An independent client signs for our ACL broker: ali-ons (pure JavaScript, its own HmacSHA1 over
the sorted ext-field values and the body, plus its ``OnsChannel`` field) sends and consumes with its
keys, and its requests with a wrong secret are refused (interop/README.md; A8.2)."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from rocketmq_ref.acl.common import AclClientRPCHook, SessionCredentials
from rocketmq_ref.client.producer import DefaultMQProducer
from tests.broker.support import broker_props, start_broker, start_namesrv
from tests.support.processes import process_factory  # noqa: F401  (fixture)
from tests.support.wait import wait_until

pytestmark = pytest.mark.e2e

INTEROP_HOME = Path(os.environ.get("INTEROP_HOME", Path.home() / ".cache" / "rocketmq-interop"))
TOPIC, GROUP = "OnsAclTopic", "onsAclGroup"
ONS = ("onsUser01", "ons-secret-1")
ADMIN = ("adminUser1", "admin-secret-1")

SCRIPT = r"""
'use strict';
const { Producer, Consumer, Message } = require('ali-ons');
const [nameSrv, topic, group, accessKey, secretKey, badSecret] = process.argv.slice(2);
const httpclient = { request: async () => { throw new Error('no http address server'); } };
const common = { httpclient, nameSrv: [ nameSrv ], persistent: false, accessKey, secretKey };
const got = new Set();
const done = code => setTimeout(() => process.exit(code), 50);
setTimeout(() => { console.log(`interop: timeout received=${got.size}`); done(1); }, 40000);
(async () => {
  // ali-ons shares one client (and its keys) per instanceName: the forger gets its own
  const bad = new Producer(Object.assign({}, common, { secretKey: badSecret, producerGroup: group + '_bad',
                                                       instanceName: 'forger' }));
  bad.on('error', () => {});
  await bad.ready();
  try {
    await bad.send(new Message(topic, 'TagA', Buffer.from('forged')));
    console.log('interop: forged send accepted');
  } catch (err) {
    console.log(`interop: forged refused: ${err.message}`);
  }
  const producer = new Producer(Object.assign({}, common, { producerGroup: group + '_pg' }));
  producer.on('error', err => console.error('producer error:', err.message));
  await producer.ready();
  for (let i = 0; i < 3; i++) {
    const res = await producer.send(new Message(topic, 'TagA', Buffer.from(`ons-acl-${i}`)));
    console.log(`interop: sent ${i} ${res.sendStatus}`);
  }
  const consumer = new Consumer(Object.assign({}, common, {
    consumerGroup: group, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' }));
  consumer.on('error', err => console.error('consumer error:', err.message));
  consumer.subscribe(topic, '*', async msg => {
    got.add(msg.body.toString());
    if (got.size === 3) { console.log(`interop: received ${[...got].sort().join(',')}`); done(0); }
  });
  await consumer.ready();
})().catch(err => { console.log(`interop: error ${err && err.stack || err}`); done(1); });
"""


def ali_ons_installed() -> bool:
    if (INTEROP_HOME / "node_modules" / "ali-ons").is_dir():
        return True
    if shutil.which("npm") is None:
        return False
    INTEROP_HOME.mkdir(parents=True, exist_ok=True)
    if not (INTEROP_HOME / "package.json").exists():
        subprocess.run(["npm", "init", "-y"], cwd=INTEROP_HOME, capture_output=True, timeout=60)
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", "ali-ons@3.12.0"],
                   cwd=INTEROP_HOME, capture_output=True, timeout=120)
    return (INTEROP_HOME / "node_modules" / "ali-ons").is_dir()


def test_ali_ons_signs_for_our_acl_broker(process_factory, tmp_path):  # noqa: F811
    if shutil.which("node") is None or not ali_ons_installed():
        pytest.skip("node or the ali-ons package is not available")
    home = tmp_path / "home"
    (home / "conf").mkdir(parents=True)
    (home / "conf" / "plain_acl.yml").write_text(yaml.safe_dump({"accounts": [
        {"accessKey": ADMIN[0], "secretKey": ADMIN[1], "admin": True},
        {"accessKey": ONS[0], "secretKey": ONS[1], "defaultTopicPerm": "DENY", "defaultGroupPerm": "DENY",
         "topicPerms": [f"{TOPIC}=PUB|SUB"], "groupPerms": [f"{GROUP}=SUB"]}]}))
    ns = start_namesrv(process_factory, home)
    broker = start_broker(process_factory, home, broker_props(home, ns.addr, name="broker-ons-acl", aclEnable=True,
                                                     rocketmqHome=home))
    admin = DefaultMQProducer("onsAclAdminPG", rpc_hook=AclClientRPCHook(SessionCredentials(*ADMIN)))
    admin.set_namesrv_addr(ns.addr)
    admin.start()
    try:
        admin.create_topic("TBW102", TOPIC, 2)  # ali-ons does not fall back to TBW102
        assert wait_until(lambda: admin.fetch_publish_message_queues(TOPIC), timeout=15)
    finally:
        admin.shutdown()
    script = tmp_path / "ons_acl.js"
    script.write_text(SCRIPT)
    result = subprocess.run(["node", str(script), ns.addr, TOPIC, GROUP, *ONS, "wrong-secret"],
                            env={**os.environ, "NODE_PATH": str(INTEROP_HOME / "node_modules")},
                            capture_output=True, text=True, timeout=60)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "interop: forged refused" in output, output[-4000:]  # ali-ons keeps the remark to itself
    broker.proc.wait_for_log("Check signature failed for accessKey=onsUser01", timeout=5)
    assert "interop: received ons-acl-0,ons-acl-1,ons-acl-2" in output, output[-4000:]
