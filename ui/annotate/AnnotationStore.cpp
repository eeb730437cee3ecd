#include "ui/annotate/AnnotationStore.h"

#include <QThread>

#include <map>

#include <nlohmann/json.hpp>

#include "core/io/WallClock.h"
#include "core/store/AnnotationInbox.h"
#include "core/store/AnnotationOutbox.h"
#include "core/store/RunStoreReader.h"
#include "core/store/RunStoreWriter.h"

namespace longrl::ui {
namespace {

// SQLite gives up after the connection's busy timeout (5 s); a trainer committing a huge batch can
// take longer on a slow disk, so try a few times before telling the user.
template <typename F> QString withRetries(F&& f) {
  QString last;
  for (int attempt = 0; attempt < 3; ++attempt) {
    try {
      f();
      return {};
    } catch (const std::exception& e) {
      last = QString::fromStdString(e.what());
      if (!last.contains(QLatin1String("locked")) && !last.contains(QLatin1String("busy"))) break;
      QThread::msleep(200);
    }
  }
  return last;
}

}  // namespace

AnnotationStore::AnnotationStore(QString author, QObject* parent) : QObject(parent), author_(std::move(author)) {
  qRegisterMetaType<longrl::ui::AnnotationItems>("longrl::ui::AnnotationItems");
  qRegisterMetaType<longrl::ui::DeliveryMap>("longrl::ui::DeliveryMap");
}

void AnnotationStore::load(const QString& storePath) {
  AnnotationItems items;
  try {
    store::RunStoreReader reader(storePath.toStdString());
    std::map<std::string, store::ExampleRecord> examples;
    for (auto& e : reader.examples()) examples.emplace(e.id, std::move(e));
    // The latest phase's difficulty of each example (a later phase re-measures it).
    std::map<std::string, store::DifficultyRecord> latest;
    for (const auto& d : reader.difficulty())
      if (auto it = latest.find(d.example_id); it == latest.end() || it->second.phase <= d.phase)
        latest[d.example_id] = d;
    // This author's labels win over other people's.
    std::map<std::string, store::AnnotationRecord> labels;
    const std::string me = author_.toStdString();
    for (const auto& a : reader.annotations())
      if (a.author == me || labels.find(a.example_id) == labels.end() || labels[a.example_id].author != me)
        labels[a.example_id] = a;
    const DeliveryMap delivery = store::AnnotationOutbox(reader.db()).deliveredByExample(me);
    for (const auto& [id, d] : latest) {
      AnnotationItem it;
      it.example_id = id;
      it.phase = d.phase;
      it.mean_reward = d.mean_reward;
      it.attempts = d.attempts;
      if (auto e = examples.find(id); e != examples.end()) {
        it.data_source = e->second.data_source;
        it.question = e->second.question;
        it.ground_truth = e->second.ground_truth;
      }
      if (auto a = labels.find(id); a != labels.end()) {
        it.label = a->second.label;
        it.note = a->second.note;
      }
      if (auto d = delivery.find(id); d != delivery.end())
        it.delivery = d->second ? AnnotationItem::Delivery::Delivered : AnnotationItem::Delivery::Queued;
      items.push_back(std::move(it));
    }
    Q_EMIT loaded(items, QString());
  } catch (const std::exception& e) {
    Q_EMIT loaded({}, QString::fromStdString(e.what()));
  }
}

void AnnotationStore::write(const QString& storePath, const store::AnnotationRecord& annotation, bool remote) {
  const QString error = withRetries([&] {
    store::RunStoreWriter writer(storePath.toStdString());
    writer.writeAnnotation(annotation);
    if (remote)
      store::AnnotationOutbox(writer.db())
          .enqueue({0, store::AnnotationOp::Kind::Set, annotation, -1, annotation.time});
    writer.flush();  // commit now: the destructor would swallow a failure
  });
  Q_EMIT written(QString::fromStdString(annotation.example_id), error);
}

void AnnotationStore::remove(const QString& storePath, const QString& exampleId, bool remote) {
  const QString error = withRetries([&] {
    store::RunStoreWriter writer(storePath.toStdString());
    writer.removeAnnotation(exampleId.toStdString(), author_.toStdString());
    if (remote) {
      store::AnnotationRecord a;
      a.example_id = exampleId.toStdString();
      a.author = author_.toStdString();
      store::AnnotationOutbox(writer.db()).enqueue({0, store::AnnotationOp::Kind::Remove, a, -1, io::wallSeconds()});
    }
    writer.flush();  // commit now: the destructor would swallow a failure
  });
  Q_EMIT written(exampleId, error);
}

void AnnotationStore::continueAfter(const QString& storePath, int phase, bool remote) {
  const QString error = withRetries([&] {
    store::RunStoreWriter writer(storePath.toStdString());
    store::AnnotationRecord who;
    who.author = author_.toStdString();
    if (remote) {
      store::AnnotationOutbox(writer.db())
          .enqueue({0, store::AnnotationOp::Kind::Continue, who, phase, io::wallSeconds()});
    } else {
      const nlohmann::json payload{{"phase", phase}, {"author", who.author}, {"origin", "studio"}};
      writer.writeEvent({0, store::AnnotationInbox::kContinueEvent, payload.dump(), io::wallSeconds()});
    }
    writer.flush();
  });
  Q_EMIT continued(phase, error);
}

void AnnotationStore::loadDelivery(const QString& storePath) {
  try {
    store::RunStoreReader reader(storePath.toStdString());
    Q_EMIT deliveryLoaded(store::AnnotationOutbox(reader.db()).deliveredByExample(author_.toStdString()));
  } catch (const std::exception&) {
    // Shown on the next full load, which reports the error.
  }
}

}  // namespace longrl::ui
