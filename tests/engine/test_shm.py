"""Shared memory: names, sizes, mappings in pages, faults, the segment's mutex."""

from helpers import check

from ipctui.engine import Kernel


def test_names_with_or_without_the_slash():
    check("""
        spawn A
        A: shm_open("seg", O_CREAT|O_RDWR) = 3
        A: shm_open("/seg", O_RDWR) = 4
        A: shm_open("/a/b", O_CREAT|O_RDWR) = -1 EINVAL (Invalid argument)
        A: shm_open("", O_CREAT|O_RDWR) = -1 EINVAL (Invalid argument)
        A: shm_open("/none", O_RDWR) = -1 ENOENT (No such file or directory)
        A: shm_open("/seg", O_CREAT|O_EXCL|O_RDWR) = -1 EEXIST (File exists)
    """)


def test_permissions():
    check("""
        spawn A
        spawn B uid=1001
        A: shm_open("/s", O_CREAT|O_RDWR, mode=0604) = 3
        B: shm_open("/s", O_RDONLY) = 3
        B: shm_open("/s", O_RDWR) = -1 EACCES (Permission denied)
        B: shm_unlink("/s") = -1 EACCES (Permission denied)
        A: shm_unlink("/s") = 0
        A: shm_unlink("/s") = -1 ENOENT (No such file or directory)
    """)


def test_ftruncate_and_mmap_errors():
    check("""
        spawn A
        A: shm_open("/s", O_CREAT|O_RDWR) = 3
        A: shm_open("/s", O_RDONLY) = 4
        A: mmap(3) = -1 EINVAL (Invalid argument)
        A: ftruncate(4, 10) = -1 EINVAL (Invalid argument)
        A: ftruncate(3, -1) = -1 EINVAL (Invalid argument)
        A: ftruncate(9, 10) = -1 EBADF (Bad file descriptor)
        A: ftruncate(3, 10) = 0
        A: mmap(4) = -1 EACCES (Permission denied)
        A: pipe() = [5, 6]
        A: mmap(5) = -1 EACCES (Permission denied)
        A: ftruncate(6, 10) = -1 EINVAL (Invalid argument)
        A: mmap(3) = 0
        A: munmap("/s") = 0
        A: munmap("/s") = -1 EINVAL (Invalid argument)
        A: socket(AF_UNIX, SOCK_STREAM) = 7
        A: mmap(7) = -1 ENODEV (No such device)
    """)


def test_memory_is_shared_across_fork_and_processes():
    check("""
        spawn A
        spawn B
        A: shm_open("/s", O_CREAT|O_RDWR, mode=0666) = 3
        A: ftruncate(3, 100) = 0
        A: mmap(3) = 0
        A: fork("C") = 3
        C: poke("/s", 10, "from C") = 6
        A: peek("/s", 10, 6) = "from C"
        B: shm_open("/s", O_RDWR) = 3
        B: mmap(3) = 0
        B: peek("/s", 8, 10) = "\\0\\0from C\\0\\0"
        B: poke("s", 0, "") = 0
        B: peek("/s", 0, 0) = ""
    """)


def test_the_last_page_is_mapped_whole_and_beyond_it_is_sigsegv():
    check("""
        spawn A
        A: shm_open("/s", O_CREAT|O_RDWR) = 3
        A: ftruncate(3, 100) = 0
        A: mmap(3) = 0
        A: poke("/s", 4095, "z") = 1
        A: peek("/s", 4094, 2) = "\\0z"
        A: poke("/s", 4095, "zz") = ?
        A: --- SIGSEGV ---
        A: +++ killed by SIGSEGV +++
    """)


def test_negative_offsets_and_unmapped_segments_fault():
    check("""
        spawn A
        A: shm_open("/s", O_CREAT|O_RDWR) = 3
        A: ftruncate(3, 100) = 0
        A: fork("B") = 2
        B: peek("/s", 0, 1) = ?
        B: --- SIGSEGV ---
        B: +++ killed by SIGSEGV +++
        A: mmap(3) = 0
        A: peek("/s", -1, 1) = ?
        A: --- SIGSEGV ---
        A: +++ killed by SIGSEGV +++
    """)


def test_a_handler_cannot_save_a_process_from_a_fault():
    check("""
        spawn A
        A: signal(SIGSEGV, "h") = 0
        A: peek("/s", 0, 1) = ?
        A: --- SIGSEGV ---
        A: +++ killed by SIGSEGV +++
    """)


def test_shrinking_zeroes_the_tail_and_pages_past_the_end_are_sigbus():
    check("""
        spawn A
        A: shm_open("/s", O_CREAT|O_RDWR) = 3
        A: ftruncate(3, 8192) = 0
        A: mmap(3) = 0
        A: poke("/s", 0, "keep") = 4
        A: poke("/s", 200, "gone") = 4
        A: ftruncate(3, 100) = 0
        A: peek("/s", 0, 4) = "keep"
        A: peek("/s", 200, 4) = "\\0\\0\\0\\0"
        A: peek("/s", 4096, 1) = ?
        A: --- SIGBUS ---
        A: +++ killed by SIGBUS +++
    """)


def test_growing_keeps_what_was_stored_past_the_old_end():
    check("""
        spawn A
        A: shm_open("/s", O_CREAT|O_RDWR) = 3
        A: ftruncate(3, 64) = 0
        A: mmap(3) = 0
        A: poke("/s", 100, "kept") = 4
        A: ftruncate(3, 5000) = 0
        A: peek("/s", 100, 4) = "kept"
        A: mmap(3) = 0
        A: peek("/s", 4096, 4) = "\\0\\0\\0\\0"
        A: ftruncate(3, 0) = 0
        A: peek("/s", 0, 1) = ?
        A: --- SIGBUS ---
        A: +++ killed by SIGBUS +++
    """)


def test_an_unlinked_segment_lives_while_mapped():
    check("""
        spawn A
        A: shm_open("/s", O_CREAT|O_RDWR) = 3
        A: ftruncate(3, 10) = 0
        A: mmap(3) = 0
        A: close(3) = 0
        A: shm_unlink("/s") = 0
        A: poke("/s", 0, "still here") = 10
        A: peek("/s", 0, 10) = "still here"
        A: shm_open("/s", O_CREAT|O_RDWR) = 3
        A: ftruncate(3, 10) = 0
        A: peek("/s", 0, 5) = "still"
        A: mmap(3) = 0
        A: peek("/s", 0, 5) = "\\0\\0\\0\\0\\0"
    """)


def test_read_and_write_on_the_descriptor_use_the_file_offset():
    check("""
        spawn A
        A: shm_open("/s", O_CREAT|O_RDWR) = 3
        A: write(3, "abcdef") = 6
        A: shm_open("/s", O_RDWR) = 4
        A: read(4, 4) = "abcd"
        A: read(4, 4) = "ef"
        A: read(4, 4) = ""
    """)


def test_lock_errors_and_order_of_waiters():
    check("""
        spawn A
        A: shm_open("/s", O_CREAT|O_RDWR) = 3
        A: ftruncate(3, 64) = 0
        A: mmap(3) = 0
        A: fork("B") = 2
        A: fork("C") = 3
        A: lock("/s") = 0
        A: lock("/s") = -1 EDEADLK (Resource deadlock avoided)
        A: trylock("/s") = -1 EBUSY (Device or resource busy)
        B: trylock("/s") = -1 EBUSY (Device or resource busy)
        B: unlock("/s") = -1 EPERM (Operation not permitted)
        C: lock("/s") <unfinished ...>
        B: lock("/s") <unfinished ...>
        A: unlock("/s") = 0
        C: <... lock resumed> = 0
        C: unlock("/s") = 0
        B: <... lock resumed> = 0
        B: unlock("/s") = 0
        A: trylock("/s") = 0
    """)


def test_lock_is_not_interrupted_by_a_caught_signal():
    check("""
        spawn A
        A: shm_open("/s", O_CREAT|O_RDWR) = 3
        A: ftruncate(3, 64) = 0
        A: mmap(3) = 0
        A: fork("B") = 2
        B: signal(SIGUSR1, "h") = 0
        A: lock("/s") = 0
        B: lock("/s") <unfinished ...>
        A: kill(B, SIGUSR1) = 0
        B: --- SIGUSR1 ---
        A: unlock("/s") = 0
        B: <... lock resumed> = 0
    """)


def test_a_dead_holder_keeps_the_lock():
    k = Kernel()
    script = [
        ("A", "shm_open", ("/s", 0o102)),
        ("A", "ftruncate", (3, 64)),
        ("A", "mmap", (3,)),
        ("A", "fork", ("B",)),
        ("B", "lock", ("/s",)),
        ("B", "exit", (0,)),
    ]
    k.spawn("A")
    for proc, call, args in script:
        k.call(proc, call, args)
    seg = k.shm["/s"]
    assert seg.lock.owner == 2 and seg.lock.owner_dead
    events = k.call("A", "lock", ("/s",))
    assert events[0].status == "blocked"


def test_locking_an_unmapped_segment_faults():
    check("""
        spawn A
        A: lock("/nowhere") = ?
        A: --- SIGSEGV ---
        A: +++ killed by SIGSEGV +++
    """)


def test_the_engine_records_who_wrote_what_and_who_maps_it():
    k = Kernel()
    k.spawn("A")
    for call, args in [("shm_open", ("/s", 0o102)), ("ftruncate", (3, 64)), ("mmap", (3,))]:
        k.call("A", call, args)
    k.call("A", "fork", ("B",))
    k.call("B", "poke", ("/s", 5, b"hey"))
    seg = k.shm["/s"]
    assert seg.last_store is not None
    assert (seg.last_store.proc, seg.last_store.offset, seg.last_store.length) == ("B", 5, 3)
    assert seg.last_store.step == k.steps
    assert sorted(seg.mappers) == [1, 2]
