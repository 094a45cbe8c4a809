// The network module (docs/model.md §3.8): one vertex per government programme (an instrument's
// budget), the firms' vertex column, and the end of an exited firm's relations. The institutions
// and their mechanisms are modules of their own (incubation, loans, equity, knowledge); this one
// keeps the graph consistent with the firm table.
#include "models/city/city_model.hpp"
#include "models/city/modules/modules.hpp"

namespace innosim::models::city {

namespace {

class NetworkModule final : public Module {
 public:
  explicit NetworkModule(const ModuleSetup& setup) : instruments_(setup.instruments) {}

  [[nodiscard]] const ModuleInfo& info() const override {
    static const ModuleInfo info{
        "network",
        "government programmes as vertices; firms get a vertex with their first relation",
        {Phase::START, Phase::RECORD},
        {"graph_vertex", "incubated_until_step"},
        {"alive"},
        {FIRMS_LINKED},
        {}};
    return info;
  }

  void start(World& world, const StepContext& context) const override {
    for (std::size_t index = 0; index < instruments_.all().size(); ++index)
      world.network.add_institution(VertexKind::PROGRAMME, 0, 0, static_cast<std::uint32_t>(index));
    // Flows of the burn-in are not the run's.
    (void)world.book.take_flows();
    context.series->at(FIRMS_LINKED, 0) = 0.0;
  }

  void record(World& world, const StepContext& context, const StepTotals&) const override {
    context.series->at(FIRMS_LINKED, static_cast<std::size_t>(context.when.step + 1)) =
        static_cast<double>(world.network.firm_vertices());
  }

 private:
  const InstrumentSet& instruments_;
};

}  // namespace

std::unique_ptr<Module> make_network(const ModuleSetup& setup) {
  return make_module<NetworkModule>(setup);
}

}  // namespace innosim::models::city
