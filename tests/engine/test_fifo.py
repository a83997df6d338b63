"""FIFOs: the open rendezvous, O_NONBLOCK, permissions, names, and a FIFO's short-lived buffer."""

from helpers import check, outcome


def test_a_writer_waits_for_a_reader_too():
    check("""
        spawn W
        spawn R
        W: mkfifo("/f") = 0
        W: open("/f", O_WRONLY) <unfinished ...>
        R: open("/f", O_RDONLY) = 3
        W: <... open resumed> = 3
    """)


def test_every_reader_waiting_in_open_completes_in_order():
    check("""
        spawn W
        spawn R1
        spawn R2
        W: mkfifo("/f", mode=0666) = 0
        R1: open("/f", O_RDONLY) <unfinished ...>
        R2: open("/f", O_RDONLY) <unfinished ...>
        W: open("/f", O_WRONLY) = 3
        R1: <... open resumed> = 3
        R2: <... open resumed> = 3
    """)


def test_rdwr_never_blocks_and_nonblocking_reader_opens_at_once():
    check("""
        spawn A
        A: mkfifo("/f") = 0
        A: open("/f", O_RDONLY|O_NONBLOCK) = 3
        A: read(3, 10) = ""
        A: open("/f", O_WRONLY|O_NONBLOCK) = 4
        A: open("/f", O_RDWR) = 5
        A: fcntl(5, F_GETPIPE_SZ) = 65536
    """)


def test_nonblocking_writer_without_a_reader_is_enxio():
    check("""
        spawn A
        A: mkfifo("/f") = 0
        A: open("/f", O_WRONLY|O_NONBLOCK) = -1 ENXIO (No such device or address)
    """)


def test_names_enoent_eexist_and_unlink():
    check("""
        spawn A
        spawn B uid=1001
        A: open("/nope", O_RDONLY) = -1 ENOENT (No such file or directory)
        A: mkfifo("/f") = 0
        A: mkfifo("/f") = -1 EEXIST (File exists)
        A: open("/f", O_RDWR) = 3
        B: unlink("/f") = -1 EPERM (Operation not permitted)
        A: unlink("/f") = 0
        A: unlink("/f") = -1 ENOENT (No such file or directory)
        A: write(3, "still") = 5
        A: read(3, 10) = "still"
        A: open("/f", O_RDWR) = -1 ENOENT (No such file or directory)
        A: mkfifo("") = -1 ENOENT (No such file or directory)
    """)


def test_permissions_owner_other_and_root():
    check("""
        spawn owner
        spawn other uid=1001
        spawn root uid=0
        owner: mkfifo("/f", mode=0640) = 0
        other: open("/f", O_RDONLY|O_NONBLOCK) = -1 EACCES (Permission denied)
        root: open("/f", O_RDWR) = 3
        owner: mkfifo("/g", mode=0604) = 0
        other: open("/g", O_RDONLY|O_NONBLOCK) = 3
        other: open("/g", O_RDWR) = -1 EACCES (Permission denied)
        owner: mkfifo("/h", mode=0) = 0
        owner: open("/h", O_RDONLY|O_NONBLOCK) = -1 EACCES (Permission denied)
    """)


def test_a_fifos_bytes_go_with_its_last_opener():
    check("""
        spawn A
        A: mkfifo("/f") = 0
        A: open("/f", O_RDWR|O_NONBLOCK) = 3
        A: write(3, "lost") = 4
        A: close(3) = 0
        A: open("/f", O_RDWR|O_NONBLOCK) = 3
        A: read(3, 10) = -1 EAGAIN (Resource temporarily unavailable)
    """)


def test_an_interrupted_open_no_longer_counts_as_a_reader():
    check("""
        spawn R
        spawn W
        R: signal(SIGUSR1, "h") = 0
        R: mkfifo("/f", mode=0666) = 0
        R: open("/f", O_RDONLY) <unfinished ...>
        W: kill(R, SIGUSR1) = 0
        R: --- SIGUSR1 ---
        R: <... open resumed> = -1 EINTR (Interrupted system call)
        W: open("/f", O_WRONLY|O_NONBLOCK) = -1 ENXIO (No such device or address)
    """)


def test_a_reader_killed_in_open_no_longer_counts():
    check("""
        spawn R
        spawn W
        W: mkfifo("/f", mode=0666) = 0
        R: open("/f", O_RDONLY) <unfinished ...>
        W: kill(R, SIGKILL) = 0
        R: +++ killed by SIGKILL +++
        W: open("/f", O_WRONLY|O_NONBLOCK) = -1 ENXIO (No such device or address)
    """)


def test_open_of_a_socket_file_is_enxio_and_o_creat_is_explained():
    check("""
        spawn A
        A: socket(AF_UNIX, SOCK_STREAM) = 3
        A: bind(3, "/sock") = 0
        A: open("/sock", O_RDWR) = -1 ENXIO (No such device or address)
        A: open("/f", O_RDWR|O_ACCMODE) = -1 ENOENT (No such file or directory)
    """)
    assert "regular file" in outcome('spawn A\nA: open("/new", O_CREAT|O_WRONLY)\n')
