#pragma once

#include <cstddef>
#include <string>

#include "dataset.h"
#include "workload.h"

namespace yihu::bench {

// What yihu's grid looks like under a dataset, computed independently of the index from the same cell size: how
// full the cells are and how many points a query must read for the points it returns. Explains the timings.
struct GridProfile {
    double cell_deg = 0;
    std::size_t occupied_cells = 0;
    double mean_per_cell = 0;
    std::size_t max_per_cell = 0;
    double knn_cells = 0;  // mean cells in a 1 km query's cover
    double knn_read = 0;   // mean points in those cells
    double knn_read_p99 = 0;
    double knn_inside = 0;   // mean points inside the circle
    double knn_skilled = 0;  // ... of which hold the skill
    double circle_read = 0;  // circle_5km: points read, points inside
    double circle_inside = 0;
    double near_moves_changing_cell = 0;  // share of update_near moves that cross into another cell
};

GridProfile profile_grid(const Dataset& data, const Workload& w, double cell_deg, std::size_t knn_queries,
                         std::size_t circle_queries);

std::string describe(const GridProfile& p);

}  // namespace yihu::bench
