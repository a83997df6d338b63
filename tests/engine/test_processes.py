"""fork, exit, wait, waitpid, getpid: results, errnos, zombies and the lines a death causes."""

from helpers import check, outcome, trace


def test_fork_copies_descriptors_and_uid():
    check("""
        spawn A uid=1234
        A: pipe() = [3, 4]
        A: fork("B") = 2
        B: getpid() = 2
        B: write(4, "hi") = 2
        A: read(3, 10) = "hi"
        B: kill(A, 0) = 0
    """)


def test_pids_count_up_and_are_not_reused():
    check("""
        spawn A
        A: exit(0) = ?
        A: +++ exited with 0 +++
        spawn A
        A: getpid() = 2
    """)


def test_exit_code_is_taken_modulo_256():
    check("""
        spawn P
        P: fork("C") = 2
        C: exit(257) = ?
        C: +++ exited with 1 +++
        P: wait() = [2, 1]
    """)


def test_wait_blocks_until_a_child_dies_and_reaps_oldest_first():
    check("""
        spawn P
        P: fork("C1") = 2
        P: fork("C2") = 3
        P: wait() <unfinished ...>
        C2: exit(7) = ?
        C2: +++ exited with 7 +++
        P: <... wait resumed> = [3, 7]
        C1: exit(1) = ?
        C1: +++ exited with 1 +++
        P: fork("C3") = 4
        C3: exit(3) = ?
        C3: +++ exited with 3 +++
        P: wait() = [2, 1]
        P: wait() = [4, 3]
        P: wait() = -1 ECHILD (No child processes)
    """)


def test_waitpid_waits_for_that_child_only():
    check("""
        spawn P
        P: fork("C1") = 2
        P: fork("C2") = 3
        P: waitpid(C2) <unfinished ...>
        C1: exit(1) = ?
        C1: +++ exited with 1 +++
        C2: exit(2) = ?
        C2: +++ exited with 2 +++
        P: <... waitpid resumed> = [3, 2]
        P: waitpid(2) = [2, 1]
        P: waitpid(2) = -1 ECHILD (No child processes)
        P: waitpid(99) = -1 ECHILD (No child processes)
    """)


def test_waitpid_of_a_process_that_is_not_a_child_is_echild():
    check("""
        spawn P
        spawn Q
        P: waitpid(Q) = -1 ECHILD (No child processes)
    """)


def test_killed_child_status_is_the_signal_name():
    check("""
        spawn P
        P: fork("C") = 2
        P: kill(C, SIGTERM) = 0
        C: --- SIGTERM ---
        C: +++ killed by SIGTERM +++
        P: wait() = [2, "SIGTERM"]
    """)


def test_zombie_exists_until_reaped():
    check("""
        spawn P
        P: fork("C") = 2
        C: exit(0) = ?
        C: +++ exited with 0 +++
        P: kill(C, SIGTERM) = 0
        P: kill(2, 0) = 0
        P: wait() = [2, 0]
        P: kill(2, 0) = -1 ESRCH (No such process)
    """)


def test_a_line_for_a_zombie_or_blocked_or_gone_process_is_a_script_error():
    assert "is a zombie" in outcome("""
        spawn P
        P: fork("C") = 2
        C: exit(0) = ?
        C: getpid()
    """)
    assert "is blocked in pause()" in outcome("""
        spawn P
        P: pause()
        P: getpid()
    """)
    assert "there is no process named A" in outcome("""
        spawn A
        A: exit(0)
        A: getpid()
    """)
    assert outcome("""
        spawn A
        A: kill(nobody, SIGTERM)
    """).startswith("3: error: there is no process named nobody")


def test_names_are_unique_among_live_and_zombie_processes():
    assert "already exists" in outcome("spawn A\nspawn A\n")
    assert "already exists" in outcome('spawn A\nA: fork("B")\nB: exit(0)\nA: fork("B")\n')
    assert outcome('spawn A\nA: fork("B")\nB: exit(0)\nA: wait()\nA: fork("B")\n') == "ok"


def test_orphans_are_not_zombies_and_a_dead_parent_reaps_its_zombies():
    check("""
        spawn P
        P: fork("C") = 2
        P: fork("D") = 3
        D: exit(0) = ?
        D: +++ exited with 0 +++
        P: exit(0) = ?
        P: +++ exited with 0 +++
        C: exit(0) = ?
        C: +++ exited with 0 +++
        spawn C
        spawn D
    """)


def test_exit_closes_descriptors_and_wakes_a_reader_after_the_exit_line():
    check("""
        spawn P
        P: pipe() = [3, 4]
        P: fork("C") = 2
        P: close(4) = 0
        P: read(3, 10) <unfinished ...>
        C: exit(0) = ?
        C: +++ exited with 0 +++
        P: <... read resumed> = ""
    """)


def test_sigchld_handler_line_comes_before_the_woken_wait():
    check("""
        spawn P
        P: signal(SIGCHLD, "on_chld") = 0
        P: fork("C") = 2
        P: wait() <unfinished ...>
        C: exit(4) = ?
        C: +++ exited with 4 +++
        P: --- SIGCHLD ---
        P: <... wait resumed> = [2, 4]
    """)


def test_descriptor_wakeups_of_a_death_come_before_sigchld():
    check("""
        spawn P
        P: signal(SIGCHLD, "on_chld") = 0
        P: pipe() = [3, 4]
        P: fork("C") = 2
        P: close(4) = 0
        P: read(3, 1) <unfinished ...>
        C: exit(0) = ?
        C: +++ exited with 0 +++
        P: <... read resumed> = ""
        P: --- SIGCHLD ---
    """)


def test_sigchld_ignored_reaps_at_once_and_wait_gives_echild():
    check("""
        spawn P
        P: signal(SIGCHLD, SIG_IGN) = 0
        P: fork("C") = 2
        P: wait() <unfinished ...>
        C: exit(0) = ?
        C: +++ exited with 0 +++
        P: <... wait resumed> = -1 ECHILD (No child processes)
        P: kill(2, 0) = -1 ESRCH (No such process)
    """)


def test_interrupted_waitpid_for_a_living_child_is_eintr():
    check("""
        spawn P
        P: signal(SIGCHLD, "h") = 0
        P: fork("C1") = 2
        P: fork("C2") = 3
        P: waitpid(C2) <unfinished ...>
        C1: exit(0) = ?
        C1: +++ exited with 0 +++
        P: --- SIGCHLD ---
        P: <... waitpid resumed> = -1 EINTR (Interrupted system call)
    """)


def test_emfile_past_1024_descriptors():
    # RLIMIT_NOFILE is 1024: descriptors 3..1023 hold 510 pipes and one more descriptor.
    lines = ["spawn A"] + ["A: pipe()"] * 510
    lines += ["A: pipe()", "A: socket(AF_UNIX, SOCK_STREAM)", "A: socket(AF_UNIX, SOCK_STREAM)"]
    got = trace("\n".join(lines))
    assert got[-4] == "A: pipe() = [1021, 1022]"
    assert got[-3] == "A: pipe() = -1 EMFILE (Too many open files)"
    assert got[-2] == "A: socket(AF_UNIX, SOCK_STREAM) = 1023"
    assert got[-1] == "A: socket(AF_UNIX, SOCK_STREAM) = -1 EMFILE (Too many open files)"
