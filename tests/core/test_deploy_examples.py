"""The deployment examples in deploy/ say what the shard settings accept, for every process they start."""

from __future__ import annotations

import re
from pathlib import Path

from bot.shards import ShardPlan

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_the_kubernetes_statefulset_gives_every_pod_its_own_block_of_shards() -> None:
    manifest = (DEPLOY / "kubernetes" / "hearth.yaml").read_text()
    replicas = int(re.search(r"replicas: (\d+)", manifest)[1])  # type: ignore[index]
    values = dict(re.findall(r"- name: (HEARTH_\w+)\n\s+value: \"([^\"]+)\"", manifest))
    assert int(values["HEARTH_PROCESSES"]) == replicas
    count = int(values["HEARTH_SHARD_COUNT"])
    owned: list[int] = []
    for ordinal in range(replicas):  # what Kubernetes substitutes for $(POD_INDEX) / $(HEARTH_PROCESSES)
        ids = values["HEARTH_SHARD_IDS"].replace("$(POD_INDEX)", str(ordinal))
        ids = ids.replace("$(HEARTH_PROCESSES)", values["HEARTH_PROCESSES"])
        plan = ShardPlan.parse(count, ids)
        assert plan.subset
        owned += plan.ids
    assert sorted(owned) == list(range(count))


def test_the_systemd_template_takes_its_shard_range_from_the_instance_name() -> None:
    unit = (DEPLOY / "systemd" / "hearth@.service").read_text()
    assert "Environment=HEARTH_SHARD_IDS=%i" in unit
    count = int(re.search(r"HEARTH_SHARD_COUNT=(\d+)", unit)[1])  # type: ignore[index]
    instances = re.search(r"enable --now (.+?)\s+#", unit)[1].split()  # type: ignore[index]
    owned = [shard for name in instances for shard in ShardPlan.parse(count, name.removeprefix("hearth@")).ids]
    assert sorted(owned) == list(range(count))


def test_the_compose_scale_profile_serves_every_shard_once_behind_the_proxy() -> None:
    compose = (DEPLOY.parent / "docker-compose.yml").read_text()
    services = dict(re.findall(r"\n  (hearth-shards-[\w-]+):\n(.*?)(?=\n  \S|\nvolumes:)", compose, re.S))
    assert len(services) >= 2
    count = int(re.search(r'HEARTH_SHARD_COUNT: "(\d+)"', compose)[1])  # type: ignore[index]
    owned: list[int] = []
    for block in services.values():
        assert 'profiles: ["scale"]' in block
        ids = re.search(r'HEARTH_SHARD_IDS: "([^"]+)"', block)[1]  # type: ignore[index]
        owned += ShardPlan.parse(count, ids).ids
    assert sorted(owned) == list(range(count))
    # Every process talks to Discord through the one proxy; the proxy builds from its own locked install.
    assert "HEARTH_DISCORD_API_URL: http://rest-proxy:8080" in compose
    assert "build: deploy/rest-proxy" in compose
    proxy = DEPLOY / "rest-proxy"
    assert "npm ci" in (proxy / "Dockerfile").read_text()
    lock = (proxy / "package-lock.json").read_text()
    assert '"node_modules/@discordjs/proxy": {\n      "version": "2.1.1"' in lock
    assert '"integrity": "sha512-' in lock
