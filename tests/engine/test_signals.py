"""kill, signal, sigprocmask, sigpending, pause; default actions, EINTR, SA_RESTART, stop/continue."""

from helpers import check, outcome


def test_kill_errnos_in_order_esrch_einval_eperm():
    check("""
        spawn A
        spawn B uid=1001
        spawn R uid=0
        B: kill(99, 99) = -1 ESRCH (No such process)
        B: kill(A, 99) = -1 EINVAL (Invalid argument)
        B: kill(A, -1) = -1 EINVAL (Invalid argument)
        B: kill(A, SIGTERM) = -1 EPERM (Operation not permitted)
        B: kill(A, 0) = -1 EPERM (Operation not permitted)
        R: kill(B, 0) = 0
        R: kill(B, SIGUSR1) = 0
        B: --- SIGUSR1 ---
        B: +++ killed by SIGUSR1 +++
    """)


def test_signal_refuses_sigkill_sigstop_and_bad_numbers():
    check("""
        spawn A
        A: signal(SIGKILL, SIG_IGN) = -1 EINVAL (Invalid argument)
        A: signal(SIGSTOP, "h") = -1 EINVAL (Invalid argument)
        A: signal(0, SIG_IGN) = -1 EINVAL (Invalid argument)
        A: signal(64, SIG_IGN) = -1 EINVAL (Invalid argument)
        A: signal(SIGTERM, SIG_IGN) = 0
        A: kill(A, SIGTERM) = 0
        A: getpid() = 1
    """)


def test_sigkill_is_never_seen_by_the_process():
    check("""
        spawn A
        spawn B
        A: sigprocmask(SIG_BLOCK, [SIGKILL, SIGTERM]) = 0
        B: kill(A, SIGKILL) = 0
        A: +++ killed by SIGKILL +++
    """)


def test_default_actions_terminate_ignore():
    check("""
        spawn A
        spawn B
        B: kill(A, SIGCHLD) = 0
        B: kill(A, SIGWINCH) = 0
        B: kill(A, SIGURG) = 0
        B: kill(A, SIGHUP) = 0
        A: --- SIGHUP ---
        A: +++ killed by SIGHUP +++
    """)


def test_kill_to_self_follows_the_call_line():
    check("""
        spawn A
        A: kill(A, SIGTERM) = 0
        A: --- SIGTERM ---
        A: +++ killed by SIGTERM +++
    """)


def test_blocked_signals_stay_pending_and_are_delivered_lowest_first_when_unblocked():
    check("""
        spawn A
        spawn B
        A: signal(SIGUSR1, "h1") = 0
        A: signal(SIGUSR2, "h2") = 0
        A: sigprocmask(SIG_BLOCK, [SIGUSR2, SIGUSR1]) = 0
        B: kill(A, SIGUSR2) = 0
        B: kill(A, SIGUSR1) = 0
        B: kill(A, SIGUSR1) = 0
        A: sigpending() = ["SIGUSR1", "SIGUSR2"]
        A: sigprocmask(SIG_UNBLOCK, [SIGUSR1, SIGUSR2]) = 0
        A: --- SIGUSR1 ---
        A: --- SIGUSR2 ---
        A: sigpending() = []
    """)


def test_sigprocmask_setmask_and_bad_how():
    check("""
        spawn A
        spawn B
        A: sigprocmask(SIG_SETMASK, [SIGTERM]) = 0
        B: kill(A, SIGTERM) = 0
        A: sigpending() = ["SIGTERM"]
        A: sigprocmask(7, []) = -1 EINVAL (Invalid argument)
        A: sigprocmask(SIG_BLOCK, [99]) = -1 EINVAL (Invalid argument)
        A: sigprocmask(SIG_SETMASK, []) = 0
        A: --- SIGTERM ---
        A: +++ killed by SIGTERM +++
    """)


def test_an_ignored_signal_that_is_blocked_stays_pending_then_is_discarded():
    check("""
        spawn A
        spawn B
        A: signal(SIGUSR1, SIG_IGN) = 0
        A: sigprocmask(SIG_BLOCK, [SIGUSR1, SIGCHLD]) = 0
        B: kill(A, SIGUSR1) = 0
        B: kill(A, SIGCHLD) = 0
        A: sigpending() = ["SIGUSR1", "SIGCHLD"]
        A: sigprocmask(SIG_UNBLOCK, [SIGUSR1, SIGCHLD]) = 0
        A: sigpending() = []
    """)


def test_setting_sig_ign_discards_a_pending_signal():
    check("""
        spawn A
        spawn B
        A: sigprocmask(SIG_BLOCK, [SIGTERM]) = 0
        B: kill(A, SIGTERM) = 0
        A: signal(SIGTERM, SIG_IGN) = 0
        A: sigpending() = []
        A: signal(SIGTERM, SIG_DFL) = 0
        A: sigprocmask(SIG_UNBLOCK, [SIGTERM]) = 0
        A: getpid() = 1
    """)


def test_pause_returns_eintr_even_with_sa_restart():
    check("""
        spawn A
        spawn B
        A: signal(SIGUSR1, "h", sa_restart=1) = 0
        A: pause() <unfinished ...>
        B: kill(A, SIGUSR1) = 0
        A: --- SIGUSR1 ---
        A: <... pause resumed> = -1 EINTR (Interrupted system call)
    """)


def test_pause_is_not_ended_by_an_ignored_signal_but_dies_of_a_default_one():
    check("""
        spawn A
        spawn B
        A: pause() <unfinished ...>
        B: kill(A, SIGCHLD) = 0
        B: kill(A, SIGALRM) = 0
        A: --- SIGALRM ---
        A: +++ killed by SIGALRM +++
    """)


def test_read_is_interrupted_or_restarted():
    check("""
        spawn A
        A: pipe() = [3, 4]
        A: fork("B") = 2
        A: signal(SIGUSR1, "h") = 0
        A: read(3, 5) <unfinished ...>
        B: kill(A, SIGUSR1) = 0
        A: --- SIGUSR1 ---
        A: <... read resumed> = -1 EINTR (Interrupted system call)
        A: signal(SIGUSR1, "h", sa_restart=1) = 0
        A: read(3, 5) <unfinished ...>
        B: kill(A, SIGUSR1) = 0
        A: --- SIGUSR1 ---
        B: write(4, "later") = 5
        A: <... read resumed> = "later"
    """)


def test_restarted_call_waits_again_at_the_back_of_the_queue():
    check("""
        spawn A
        A: pipe() = [3, 4]
        A: signal(SIGUSR1, "h", sa_restart=1) = 0
        A: fork("B") = 2
        A: fork("W") = 3
        A: read(3, 5) <unfinished ...>
        B: read(3, 5) <unfinished ...>
        W: kill(A, SIGUSR1) = 0
        A: --- SIGUSR1 ---
        W: write(4, "x") = 1
        B: <... read resumed> = "x"
    """)


def test_partial_write_returns_its_count_when_interrupted():
    check("""
        spawn A
        A: signal(SIGUSR1, "h", sa_restart=1) = 0
        A: pipe(capacity=8, page_size=4) = [3, 4]
        A: fork("B") = 2
        A: write(4, "0123456789") <unfinished ...>
        B: kill(A, SIGUSR1) = 0
        A: --- SIGUSR1 ---
        A: <... write resumed> = 8
        B: read(3, 100) = "01234567"
    """)


def test_a_signal_kills_a_blocked_process_without_a_resumed_line():
    check("""
        spawn A
        spawn B
        A: pipe() = [3, 4]
        A: read(3, 1) <unfinished ...>
        B: kill(A, SIGTERM) = 0
        A: --- SIGTERM ---
        A: +++ killed by SIGTERM +++
        spawn C
    """)


def test_stop_and_continue():
    check("""
        spawn A
        spawn B
        B: kill(A, SIGSTOP) = 0
        A: --- stopped by SIGSTOP ---
        B: kill(A, SIGUSR1) = 0
        B: kill(A, SIGCONT) = 0
        A: --- SIGCONT ---
        A: --- SIGUSR1 ---
        A: +++ killed by SIGUSR1 +++
    """)
    assert "is stopped" in outcome("""
        spawn A
        A: kill(A, SIGTSTP)
        A: getpid()
    """)


def test_sigkill_ends_a_stopped_process():
    check("""
        spawn A
        spawn B
        B: kill(A, SIGTSTP) = 0
        A: --- stopped by SIGTSTP ---
        B: kill(A, SIGKILL) = 0
        A: +++ killed by SIGKILL +++
    """)


def test_a_stopped_reader_misses_data_until_continued_then_reads():
    check("""
        spawn A
        A: pipe() = [3, 4]
        A: fork("R") = 2
        R: read(3, 10) <unfinished ...>
        A: kill(R, SIGSTOP) = 0
        R: --- stopped by SIGSTOP ---
        A: write(4, "data") = 4
        A: kill(R, SIGCONT) = 0
        R: --- SIGCONT ---
        R: <... read resumed> = "data"
    """)


def test_a_stopped_reader_is_passed_over_for_the_next_one():
    check("""
        spawn A
        A: pipe() = [3, 4]
        A: fork("R1") = 2
        A: fork("R2") = 3
        R1: read(3, 10) <unfinished ...>
        R2: read(3, 10) <unfinished ...>
        A: kill(R1, SIGSTOP) = 0
        R1: --- stopped by SIGSTOP ---
        A: write(4, "data") = 4
        R2: <... read resumed> = "data"
    """)


def test_sigpipe_can_be_caught():
    check("""
        spawn A
        A: signal(SIGPIPE, "on_pipe") = 0
        A: pipe() = [3, 4]
        A: close(3) = 0
        A: write(4, "x") = -1 EPIPE (Broken pipe)
        A: --- SIGPIPE ---
        A: getpid() = 1
    """)


def test_sigchld_on_stop_reaches_a_catching_parent():
    check("""
        spawn P
        P: signal(SIGCHLD, "h") = 0
        P: fork("C") = 2
        P: kill(C, SIGSTOP) = 0
        C: --- stopped by SIGSTOP ---
        P: --- SIGCHLD ---
    """)


def test_signal_to_a_zombie_does_nothing():
    check("""
        spawn P
        P: fork("C") = 2
        C: exit(0) = ?
        C: +++ exited with 0 +++
        P: kill(C, SIGKILL) = 0
        P: wait() = [2, 0]
    """)
