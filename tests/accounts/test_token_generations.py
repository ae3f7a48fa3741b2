"""Generations of the token cache: every value is new, in every worker process forked from the server's main one."""

import os

from accounts.api import token_cache


def _generation_in_a_forked_child() -> str:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: a server worker forked after the app was imported
        os.close(read)
        os.write(write, token_cache.new_generation().encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    with os.fdopen(read) as pipe:
        return pipe.read()


def test_generations_differ_within_a_process_and_across_forked_workers():
    token_cache.new_generation()  # the main process has drawn from its generator before forking
    generations = [_generation_in_a_forked_child() for _ in range(4)] + [token_cache.new_generation() for _ in range(4)]

    assert len(set(generations)) == len(generations)
    assert all(len(g) == 32 for g in generations)
