"""The Python side of db's side-by-side benchmark: oslo.db (enginefacade,
ModelBase + TimestampMixin + SoftDeleteMixin) and SQLAlchemy doing what
BenchmarkVsOsloDB does in Go, on SQLite, with W threads:

  create  N counters, one transaction each
  load    N loads of a counter by id (a reader transaction each)
  update  N increments spread over W counters: load (reader), then
          UPDATE ... WHERE id AND revision (writer); a conflict reloads

Usage: bench.py PATH OP N W SYNC   (SYNC: 1 or 0, sqlite_synchronous)
Prints {"ops": N, "seconds": S, "conflicts": C, "lost": L}; lost is the
increments missing from the counters afterwards (must be 0)."""
import json
import logging
import os
import sys
import threading
import time

from oslo_db.sqlalchemy import enginefacade
from oslo_db.sqlalchemy import models
from sqlalchemy import Column, Integer, String, UniqueConstraint
from sqlalchemy.orm import declarative_base

logging.disable(logging.CRITICAL)
Base = declarative_base()


class Counter(Base, models.ModelBase, models.TimestampMixin, models.SoftDeleteMixin):
    __tablename__ = "counters"
    __table_args__ = (UniqueConstraint("name", "deleted"),)
    id = Column(Integer, primary_key=True, autoincrement=True)
    revision = Column(Integer, nullable=False, default=1)
    name = Column(String(255), nullable=False)
    value = Column(Integer, nullable=False, default=0)


@enginefacade.transaction_context_provider
class Context(object):
    pass


def main():
    path, op, n, workers, sync = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1"
    fresh = not os.path.exists(path)
    tc = enginefacade.transaction_context()
    tc.configure(connection="sqlite:///" + path, sqlite_synchronous=sync, max_retries=0)
    if fresh:
        engine = tc.writer.get_engine()
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        Base.metadata.create_all(engine)

    def create(i):
        with tc.writer.using(Context()) as session:
            c = Counter(name="c-%d-%d" % (os.getpid(), i), value=0)
            session.add(c)
            session.flush()
            return c.id

    conflicts = [0]
    lock = threading.Lock()
    ids = []
    if op in ("load", "update"):
        k = workers if op == "update" else 100
        ids = [create(i) for i in range(k)]

    def load(i):
        with tc.reader.using(Context()) as session:
            c = session.query(Counter).filter_by(id=ids[i % len(ids)], deleted=0).one()
            return c.value

    def update(i):
        cid = ids[i % len(ids)]
        while True:
            with tc.reader.using(Context()) as session:
                c = session.query(Counter).filter_by(id=cid, deleted=0).one()
                rev, value = c.revision, c.value
            with tc.writer.using(Context()) as session:
                n = session.query(Counter).filter_by(id=cid, deleted=0, revision=rev).update(
                    {"value": value + 1, "revision": rev + 1}, synchronize_session=False)
            if n == 1:
                return
            with lock:
                conflicts[0] += 1

    fn = {"create": create, "load": load, "update": update}[op]
    per = [n // workers + (1 if w < n % workers else 0) for w in range(workers)]

    def run(w):
        base = sum(per[:w])
        for i in range(per[w]):
            fn(base + i if op != "update" else w)

    threads = [threading.Thread(target=run, args=(w,)) for w in range(workers)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    lost = 0
    if op == "update":
        with tc.reader.using(Context()) as session:
            total = sum(c.value for c in session.query(Counter).filter(Counter.id.in_(ids)))
        lost = n - total
    json.dump({"ops": n, "seconds": seconds, "conflicts": conflicts[0], "lost": lost}, sys.stdout)


main()
