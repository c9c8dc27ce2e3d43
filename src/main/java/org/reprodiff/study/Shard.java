package org.reprodiff.study;

import java.util.Map;
import org.reprodiff.util.UserException;

/**
 * Which part of the cells a process runs: cell index i (in the study's fixed cell order) belongs to
 * shard i mod count. From --shard i/n (0-based i), else SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT,
 * else JOB_COMPLETION_INDEX (Kubernetes indexed Job) with REPRODIFF_SHARD_COUNT (set it to the Job's
 * completions). SLURM ids are taken relative to SLURM_ARRAY_TASK_MIN when set (arrays like 1-8).
 */
public record Shard(int index, int count) {
    public static final Shard ALL = new Shard(0, 1);

    public Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new UserException("--shard: expected i/n with 0 <= i < n, got " + index + "/" + count);
        }
    }

    public boolean owns(int cellIndex) {
        return cellIndex % count == index;
    }

    public static Shard parse(String text) {
        String[] p = text.strip().split("/");
        try {
            if (p.length != 2) {
                throw new NumberFormatException();
            }
            return new Shard(Integer.parseInt(p[0].strip()), Integer.parseInt(p[1].strip()));
        } catch (NumberFormatException e) {
            throw new UserException("--shard: expected i/n such as 0/4, got '" + text + "'");
        }
    }

    public static Shard resolve(String option, Map<String, String> env) {
        if (option != null) {
            return parse(option);
        }
        String id = env.get("SLURM_ARRAY_TASK_ID");
        if (id != null) {
            String count = env.get("SLURM_ARRAY_TASK_COUNT");
            if (count == null) {
                throw new UserException("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not");
            }
            int min = Integer.parseInt(env.getOrDefault("SLURM_ARRAY_TASK_MIN", "0").strip());
            return fromEnv("SLURM_ARRAY_TASK_ID", id, min, count);
        }
        String k8s = env.get("JOB_COMPLETION_INDEX");
        if (k8s != null) {
            String count = env.get("REPRODIFF_SHARD_COUNT");
            if (count == null) {
                throw new UserException("JOB_COMPLETION_INDEX is set: set REPRODIFF_SHARD_COUNT to the Job's completions");
            }
            return fromEnv("JOB_COMPLETION_INDEX", k8s, 0, count);
        }
        return ALL;
    }

    private static Shard fromEnv(String var, String id, int min, String count) {
        try {
            return new Shard(Integer.parseInt(id.strip()) - min, Integer.parseInt(count.strip()));
        } catch (NumberFormatException e) {
            throw new UserException(var + ": expected an integer, got '" + id + "'");
        }
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
