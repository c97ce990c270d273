/*
 * kafka-mock: starts librdkafka's mock Kafka cluster (the Kafka protocol as
 * Confluent implements it for its own tests) for Tally's integration tests.
 *
 *   kafka-mock [--brokers N] [--partitions P] [--topic name[:partitions]]...
 *
 * Prints one line `BOOTSTRAP host:port,...` then takes commands on stdin,
 * one per line, answering `ok` or `error <why>`:
 *   down <id> | up <id> | topic <name> <partitions> | rtt <id> <ms>
 *   errors <apiKey> <errCode> [<errCode>...] | coordinator <group> <id> | quit
 * Exits on `quit`, stdin EOF (dies with its parent) and SIGTERM.
 *
 * The mock never moves partition leadership by itself, so `down` does what a
 * real cluster's controller would: it hands the partitions (of the topics
 * created here) led by that broker to a live broker. Admin CreateTopics does
 * not work in librdkafka 2.0.2's mock, hence topics are created here.
 */
#include <errno.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_TOPICS 256
#define MAX_BROKERS 64
#define MAX_ERRORS 64

struct topic {
        char *name;
        int partitions;
        int *leaders;
};

static struct topic topics[MAX_TOPICS];
static int topic_cnt;
static int broker_cnt = 1;
static int broker_up[MAX_BROKERS + 1];
static volatile sig_atomic_t stopping;

static void on_signal(int sig) {
        (void)sig;
        stopping = 1;
}

static int live_broker_after(int id) {
        for (int i = 1; i <= broker_cnt; i++) {
                int candidate = (id + i - 1) % broker_cnt + 1;
                if (broker_up[candidate])
                        return candidate;
        }
        return -1;
}

static const char *create_topic(rd_kafka_mock_cluster_t *mc, const char *name,
                                int partitions) {
        if (topic_cnt >= MAX_TOPICS)
                return "too many topics";
        if (partitions < 1)
                return "partitions must be >= 1";
        int replicas = broker_cnt < 3 ? broker_cnt : 3;
        rd_kafka_resp_err_t err =
            rd_kafka_mock_topic_create(mc, name, partitions, replicas);
        if (err)
                return rd_kafka_err2str(err);
        struct topic *t = &topics[topic_cnt++];
        t->name = strdup(name);
        t->partitions = partitions;
        t->leaders = calloc((size_t)partitions, sizeof(int));
        for (int p = 0; p < partitions; p++) {
                /* Spread leaders deterministically over the live brokers. */
                int leader = live_broker_after(p % broker_cnt);
                t->leaders[p] = leader;
                if (leader > 0)
                        rd_kafka_mock_partition_set_leader(mc, name, p, leader);
        }
        return NULL;
}

static const char *broker_down(rd_kafka_mock_cluster_t *mc, int id) {
        rd_kafka_resp_err_t err = rd_kafka_mock_broker_set_down(mc, id);
        if (err)
                return rd_kafka_err2str(err);
        broker_up[id] = 0;
        for (int i = 0; i < topic_cnt; i++) {
                struct topic *t = &topics[i];
                for (int p = 0; p < t->partitions; p++) {
                        if (t->leaders[p] != id)
                                continue;
                        int leader = live_broker_after(id);
                        if (leader < 0)
                                continue; /* all down: leadership stays */
                        t->leaders[p] = leader;
                        rd_kafka_mock_partition_set_leader(mc, t->name, p,
                                                           leader);
                }
        }
        return NULL;
}

static int parse_int(const char *s, int *out) {
        char *end;
        if (!s)
                return 0;
        errno = 0;
        long v = strtol(s, &end, 10);
        if (errno || *end != '\0' || end == s)
                return 0;
        *out = (int)v;
        return 1;
}

static int valid_broker(const char *s, int *id) {
        return parse_int(s, id) && *id >= 1 && *id <= broker_cnt;
}

/* Runs one command; returns NULL for ok, else the reason. Sets *quit. */
static const char *run_command(rd_kafka_mock_cluster_t *mc, char *line,
                               int *quit) {
        char *save = NULL;
        char *cmd = strtok_r(line, " \t\r\n", &save);
        char *a = strtok_r(NULL, " \t\r\n", &save);
        char *b = strtok_r(NULL, " \t\r\n", &save);
        int id, n;
        rd_kafka_resp_err_t err;

        if (!cmd)
                return "empty command";
        if (!strcmp(cmd, "quit")) {
                *quit = 1;
                return NULL;
        }
        if (!strcmp(cmd, "down") || !strcmp(cmd, "up")) {
                if (!valid_broker(a, &id))
                        return "bad broker id";
                if (!strcmp(cmd, "down"))
                        return broker_down(mc, id);
                err = rd_kafka_mock_broker_set_up(mc, id);
                if (err)
                        return rd_kafka_err2str(err);
                broker_up[id] = 1;
                return NULL;
        }
        if (!strcmp(cmd, "topic")) {
                if (!a || !parse_int(b, &n))
                        return "usage: topic <name> <partitions>";
                return create_topic(mc, a, n);
        }
        if (!strcmp(cmd, "rtt")) {
                if (!valid_broker(a, &id) || !parse_int(b, &n) || n < 0)
                        return "usage: rtt <brokerId> <ms>";
                err = rd_kafka_mock_broker_set_rtt(mc, id, n);
                return err ? rd_kafka_err2str(err) : NULL;
        }
        if (!strcmp(cmd, "coordinator")) {
                if (!a || !valid_broker(b, &id))
                        return "usage: coordinator <group> <brokerId>";
                err = rd_kafka_mock_coordinator_set(mc, "group", a, id);
                return err ? rd_kafka_err2str(err) : NULL;
        }
        if (!strcmp(cmd, "errors")) {
                rd_kafka_resp_err_t codes[MAX_ERRORS];
                size_t cnt = 0;
                int api_key;
                if (!parse_int(a, &api_key) || api_key < 0)
                        return "usage: errors <apiKey> <errCode>...";
                for (char *c = b; c; c = strtok_r(NULL, " \t\r\n", &save)) {
                        if (cnt == MAX_ERRORS || !parse_int(c, &n))
                                return "bad error code list";
                        codes[cnt++] = (rd_kafka_resp_err_t)n;
                }
                if (cnt == 0)
                        return "usage: errors <apiKey> <errCode>...";
                rd_kafka_mock_push_request_errors_array(mc, (int16_t)api_key,
                                                        cnt, codes);
                return NULL;
        }
        return "unknown command";
}

static void usage(void) {
        fprintf(stderr, "usage: kafka-mock [--brokers N] [--partitions P] "
                        "[--topic name[:partitions]]...\n");
        exit(2);
}

int main(int argc, char **argv) {
        int default_partitions = 1;
        const char *topic_args[MAX_TOPICS];
        int topic_arg_cnt = 0;
        char errstr[512];

        for (int i = 1; i < argc; i++) {
                const char *value = i + 1 < argc ? argv[i + 1] : NULL;
                if (!strcmp(argv[i], "--brokers") && value) {
                        if (!parse_int(value, &broker_cnt) || broker_cnt < 1 ||
                            broker_cnt > MAX_BROKERS)
                                usage();
                } else if (!strcmp(argv[i], "--partitions") && value) {
                        if (!parse_int(value, &default_partitions) ||
                            default_partitions < 1)
                                usage();
                } else if (!strcmp(argv[i], "--topic") && value &&
                           topic_arg_cnt < MAX_TOPICS) {
                        topic_args[topic_arg_cnt++] = value;
                } else {
                        usage();
                }
                i++;
        }

        struct sigaction sa = {0};
        sa.sa_handler = on_signal; /* no SA_RESTART: poll() returns EINTR */
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        signal(SIGPIPE, SIG_IGN);

        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        rd_kafka_conf_set(conf, "log_level", "3", NULL, 0);
        rd_kafka_t *rk =
            rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        if (!rk) {
                fprintf(stderr, "kafka-mock: %s\n", errstr);
                return 1;
        }
        rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, broker_cnt);
        if (!mc) {
                fprintf(stderr, "kafka-mock: cannot create mock cluster\n");
                return 1;
        }
        for (int id = 1; id <= broker_cnt; id++)
                broker_up[id] = 1;

        for (int i = 0; i < topic_arg_cnt; i++) {
                char *spec = strdup(topic_args[i]);
                char *colon = strrchr(spec, ':');
                int partitions = default_partitions;
                if (colon) {
                        *colon = '\0';
                        if (!parse_int(colon + 1, &partitions))
                                usage();
                }
                const char *why = create_topic(mc, spec, partitions);
                if (why) {
                        fprintf(stderr, "kafka-mock: topic %s: %s\n", spec, why);
                        return 1;
                }
                free(spec);
        }

        printf("BOOTSTRAP %s\n", rd_kafka_mock_cluster_bootstraps(mc));
        fflush(stdout);

        char line[4096];
        size_t used = 0;
        int quit = 0;
        while (!quit && !stopping) {
                struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
                int ready = poll(&pfd, 1, 500);
                if (ready < 0 && errno == EINTR)
                        continue;
                if (ready <= 0)
                        continue;
                ssize_t got = read(STDIN_FILENO, line + used,
                                   sizeof(line) - 1 - used);
                if (got <= 0)
                        break; /* EOF: the parent is gone */
                used += (size_t)got;
                line[used] = '\0';
                char *start = line, *nl;
                while (!quit && (nl = strchr(start, '\n'))) {
                        *nl = '\0';
                        const char *why = run_command(mc, start, &quit);
                        if (why)
                                printf("error %s\n", why);
                        else
                                printf("ok\n");
                        fflush(stdout);
                        start = nl + 1;
                }
                used = strlen(start);
                memmove(line, start, used + 1);
                if (used == sizeof(line) - 1)
                        used = 0; /* over-long line: drop it */
        }

        /* rd_kafka_destroy() can linger for seconds on broker threads;
         * nothing here is persistent, so let the OS close the sockets. */
        fflush(stdout);
        _exit(0);
}
