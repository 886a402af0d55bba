package org.fbs.web;

import java.util.ArrayList;
import java.util.List;
import org.fbs.build.Build;
import org.fbs.build.BuildState;
import org.fbs.build.Stage;
import org.fbs.build.Transition;

/** Where a build is on its way, step by step: queued, given to a worker, each stage, the end. */
final class BuildProgress {

    enum Status { DONE, CURRENT, FAILED, SKIPPED, TODO }

    record Step(String label, Status status) {
    }

    private BuildProgress() {
    }

    static List<Step> of(Build build) {
        BuildState state = build.state();
        List<String> entered = new ArrayList<>();
        boolean assigned = false;
        for (Transition t : build.history()) {
            assigned |= t.state() != BuildState.QUEUED;
            if (t.state() == BuildState.RUNNING && t.stage() != null) {
                entered.add(t.stage());
            }
        }
        String last = entered.isEmpty() ? null : entered.get(entered.size() - 1);
        boolean stopped = state == BuildState.FAILED || state == BuildState.CANCELED;
        List<Step> steps = new ArrayList<>();
        steps.add(new Step("queued", state == BuildState.QUEUED ? Status.CURRENT : Status.DONE));
        steps.add(new Step("on a worker", state == BuildState.ASSIGNED ? Status.CURRENT
            : assigned ? Status.DONE : stopped ? Status.SKIPPED : Status.TODO));
        for (Stage stage : Stage.values()) {
            String label = stage.label();
            Status status;
            if (state == BuildState.RUNNING && label.equals(build.stage())) {
                status = Status.CURRENT;
            } else if (stopped && label.equals(last)) {
                status = Status.FAILED;
            } else if (entered.contains(label)) {
                status = Status.DONE;
            } else if (state.isFinal()) {
                status = Status.SKIPPED;
            } else {
                status = Status.TODO;
            }
            steps.add(new Step(label, status));
        }
        steps.add(switch (state) {
            case SUCCEEDED -> new Step("succeeded", Status.DONE);
            case FAILED -> new Step("failed", Status.FAILED);
            case CANCELED -> new Step("canceled", Status.FAILED);
            default -> new Step("finished", Status.TODO);
        });
        return steps;
    }

    /** Steps behind the build (done or skipped), for the bar's value. */
    static long passed(List<Step> steps) {
        return steps.stream().filter(s -> s.status() == Status.DONE || s.status() == Status.SKIPPED).count();
    }
}
