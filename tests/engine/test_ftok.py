"""ftok: keys from the script's one file system (device 1, / inode 1, /tmp inode 2, each FIFO or
socket file the next inode), as C's ftok computes them, signed like key_t."""

from helpers import check

from ipctui.engine.ftok import ftok_key


def test_the_formula_and_the_sign():
    assert ftok_key(1, ord("A")) == 0x41010001
    assert ftok_key(2, 0x80) == 0x80010002 - (1 << 32)
    assert ftok_key(0x12345, 0x1FF) == 0xFF012345 - (1 << 32)


def test_fixed_inodes_and_missing_paths():
    check("""
        spawn A
        A: ftok("/", 65) = 1090584577
        A: ftok("/tmp", 65) = 1090584578
        A: ftok("/tmp/", 1) = 16842754
        A: ftok("/tmp/none", 65) = -1 ENOENT (No such file or directory)
        A: ftok("/tmp", 200) = -939458558
    """)


def test_each_file_made_takes_the_next_inode_never_reused():
    check("""
        spawn A
        A: mkfifo("/tmp/a") = 0
        A: ftok("/tmp/a", 1) = 16842755
        A: socket(AF_UNIX, SOCK_STREAM) = 3
        A: bind(3, "/tmp/s") = 0
        A: ftok("/tmp/s", 1) = 16842756
        A: unlink("/tmp/a") = 0
        A: ftok("/tmp/a", 1) = -1 ENOENT (No such file or directory)
        A: mkfifo("/tmp/a") = 0
        A: ftok("/tmp/a", 1) = 16842757
    """)


def test_one_key_three_objects():
    check("""
        spawn A
        A: mkfifo("/tmp/k") = 0
        A: ftok("/tmp/k", 7) = 117506051
        A: msgget(117506051, IPC_CREAT|0600) = 0
        A: semget(117506051, 1, IPC_CREAT|0600) = 0
        A: shmget(117506051, 10, IPC_CREAT|0600) = 0
    """)


def test_a_copied_kernel_keeps_its_inode_numbers():
    import copy

    from ipctui.engine import Kernel

    k = Kernel()
    k.spawn("A")
    k.call("A", "mkfifo", ("/tmp/a",))
    k.call("A", "mkfifo", ("/tmp/b",))
    twin = copy.deepcopy(k)
    assert twin.fs.inode("/tmp/a") == 3 and twin.fs.inode("/tmp/b") == 4
    twin.call("A", "mkfifo", ("/tmp/c",))
    assert twin.fs.inode("/tmp/c") == 5


def test_undo_past_a_checkpoint_keeps_the_keys():
    from ipctui.session import Session

    s = Session()
    s.submit("spawn A")
    for i in range(40):
        s.submit(f'A: mkfifo("/tmp/f{i}")')
    s.submit('A: ftok("/tmp/f39", 1)')
    assert s.trace[-1].text.endswith("= 16842794")
    s.undo()
    s.undo()
    s.submit('A: mkfifo("/tmp/f39")')
    s.submit('A: ftok("/tmp/f39", 1)')
    assert s.trace[-1].text.endswith("= 16842794")
