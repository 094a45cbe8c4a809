// The MPI back-end of run_study: a task farm. Every rank calls run_study with the same study
// (sim/run/cluster.hpp). Rank 0 hands out chunks of consecutive tasks on request, each sized
// to take about StudyControl::batches.target_seconds on the rank that asked (from the rate it
// measured on that rank's earlier chunks), smaller towards the end so that the last chunks
// finish together, and whole points when a point's replications fit. Each rank runs its chunk
// on its own threads (the TaskExecutor); rank 0 also computes, on a thread of its own, while
// its main thread serves the others. Rank 0 puts the chunks back in task order and hands them
// to its sink exactly as the threaded runner would, so the sink, and the file it writes, cannot
// tell how many ranks or threads ran the study.
#pragma once

#include "sim/run/study.hpp"

namespace innosim::sim {

/// run_study on several ranks (cluster_size() > 1). On a worker rank the sink receives nothing
/// (unless Study::outcomes_on_every_rank), and ClusterFinished is thrown if rank 0's command
/// ends after this study.
bool run_study_on_ranks(const Study& study, StudySink& sink, TaskExecutor& executor,
                        const StudyControl& control);

/// Every study's FarmReport of this job so far (rank 0; for the line printed at the end).
[[nodiscard]] const FarmReport& farm_totals();

}  // namespace innosim::sim
